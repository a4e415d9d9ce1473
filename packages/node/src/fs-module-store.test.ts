import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsModuleStore } from './fs-module-store';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const bytes = (size: number, fill: number) => new Uint8Array(size).fill(fill);

describe('FsModuleStore', () => {
  let dir: string;
  let clock: number;
  const open = (maxBytes = 1000) => new FsModuleStore({ dir: path.join(dir, 'modules'), maxBytes, now: () => clock });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-fsstore-'));
    clock = Date.UTC(2026, 0, 1);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns what was put, across instances (a restarted agent)', async () => {
    await open().put(digest(1), bytes(10, 7));
    expect(await open().get(digest(1))).toEqual(bytes(10, 7));
    expect(await open().get(digest(2))).toBeUndefined();
  });

  it('leaves no temp files behind and names files by digest only', async () => {
    const store = open();
    await store.put(digest(1), bytes(10, 1));
    await store.put(digest(1), bytes(10, 1));
    expect(fs.readdirSync(store.dir)).toEqual([`sha256-${'0'.repeat(63)}1.wasm`]);
  });

  it('rejects digests that are not exactly sha256:<64 hex> (they become file names)', async () => {
    const store = open();
    await expect(store.put('sha256:../../etc/passwd', bytes(1, 1))).rejects.toThrow(/malformed digest/);
    await expect(store.get(`sha256:${'A'.repeat(64)}`)).rejects.toThrow(/malformed digest/);
  });

  it('evicts the least recently used modules when over its bound', async () => {
    const store = open(250);
    for (const n of [1, 2, 3]) {
      clock += 1000;
      await store.put(digest(n), bytes(100, n));
    }
    // 300 bytes > 250: the oldest (1) went when 3 arrived.
    expect((await store.list()).map((e) => e.digest)).toEqual([digest(3), digest(2)]);
    clock += 1000;
    expect(await store.get(digest(2))).toEqual(bytes(100, 2)); // 2 is now the most recent
    clock += 1000;
    await store.put(digest(4), bytes(100, 4));
    expect((await store.list()).map((e) => e.digest)).toEqual([digest(4), digest(2)]);
    expect(await open(250).get(digest(3))).toBeUndefined();
  });

  it('does not keep a module larger than the whole bound', async () => {
    const store = open(50);
    await store.put(digest(1), bytes(51, 1));
    expect(await store.get(digest(1))).toBeUndefined();
  });

  it('ignores and eventually removes temp files left by a crashed writer', async () => {
    const store = open();
    await store.put(digest(1), bytes(10, 1));
    const stray = path.join(store.dir, `sha256-${'0'.repeat(63)}2.wasm.abc.tmp`);
    fs.writeFileSync(stray, 'half');
    const old = new Date(clock - 2 * 60 * 60 * 1000);
    fs.utimesSync(stray, old, old);
    expect((await store.list()).map((e) => e.digest)).toEqual([digest(1)]);
    expect(fs.existsSync(stray)).toBe(false);
  });
});
