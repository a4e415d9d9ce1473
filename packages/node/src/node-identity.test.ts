import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNodeId } from '@tabgrid/protocol';
import { DataDirBusyError, LOCK_FILE, lockDataDir } from './data-dir-lock';
import { IdentityError, loadOrCreateNodeId, NODE_ID_FILE } from './node-identity';

describe('node identity', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-id-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a protocol-valid id once and keeps it', () => {
    const data = path.join(dir, 'nested', 'data');
    const id = loadOrCreateNodeId(data);
    expect(isNodeId(id)).toBe(true);
    expect(id).toMatch(/^n_/);
    expect(loadOrCreateNodeId(data)).toBe(id);
    expect(fs.readFileSync(path.join(data, NODE_ID_FILE), 'utf8')).toBe(`${id}\n`);
    expect(fs.readdirSync(data)).toEqual([NODE_ID_FILE]);
  });

  it('accepts an id written by hand, trimmed', () => {
    fs.writeFileSync(path.join(dir, NODE_ID_FILE), '  my-build-box_01 \n');
    expect(loadOrCreateNodeId(dir)).toBe('my-build-box_01');
  });

  it('refuses a file that does not hold a valid id rather than replacing the identity', () => {
    for (const bad of ['', 'short', 'has space in it', 'x'.repeat(65), 'dots.are.not.ok']) {
      fs.writeFileSync(path.join(dir, NODE_ID_FILE), bad);
      expect(() => loadOrCreateNodeId(dir)).toThrow(IdentityError);
    }
  });
});

describe('data dir lock', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('admits one agent per directory and frees it on release', () => {
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
    release();
    release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir)();
  });

  it('refuses a directory locked by another live process', () => {
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(/another tabgrid-node \(pid \d+\)/);
  });

  it('takes over a lock left by a process that is gone (or by a previous life of our pid)', () => {
    fs.writeFileSync(path.join(dir, LOCK_FILE), '999999999\n');
    lockDataDir(dir)();
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${process.pid}\n`);
    lockDataDir(dir)();
  });
});
