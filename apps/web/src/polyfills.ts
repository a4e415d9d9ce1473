// simple-peer (inside the volunteer agent) expects Node's Buffer, process and global to exist
// before it is evaluated, so main.tsx imports this module before anything else.
import { Buffer } from 'buffer';
import process from 'process/browser.js';

const g = globalThis as typeof globalThis & { Buffer?: unknown; process?: unknown; global?: unknown };
g.Buffer ??= Buffer;
g.process ??= process;
g.global ??= globalThis;
