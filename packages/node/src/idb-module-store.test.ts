import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbModuleStore } from './idb-module-store';

function bytes(size: number, fill: number): Uint8Array {
  return new Uint8Array(size).fill(fill);
}

describe('IdbModuleStore', () => {
  it('keeps modules and evicts the least recently used beyond its size bound', async () => {
    const store = new IdbModuleStore(250, `test-${Math.random()}`);
    await store.put('sha256:a', bytes(100, 1));
    await store.put('sha256:b', bytes(100, 2));
    expect(await store.get('sha256:a')).toEqual(bytes(100, 1)); // a is now the most recently used
    await store.put('sha256:c', bytes(100, 3));
    expect(await store.get('sha256:b')).toBeUndefined();
    expect(await store.get('sha256:a')).toEqual(bytes(100, 1));
    expect(await store.get('sha256:c')).toEqual(bytes(100, 3));
  });

  it('never stores a module larger than the whole budget', async () => {
    const store = new IdbModuleStore(50, `test-${Math.random()}`);
    await store.put('sha256:big', bytes(51, 9));
    expect(await store.get('sha256:big')).toBeUndefined();
  });
});
