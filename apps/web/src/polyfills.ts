// simple-peer (inside the volunteer agent) expects Node's Buffer, process and global to exist
// before it is evaluated, so main.tsx imports this module before anything else.
import { Buffer } from 'buffer';
import process from 'process/browser.js';

function provide(name: 'Buffer' | 'process' | 'global', value: unknown): void {
  if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

provide('Buffer', Buffer);
provide('process', process);
provide('global', globalThis);
