import { expect, it } from 'vitest';
import { Lru } from './lru';

it('evicts the least recently used entry past capacity', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  expect(lru.get('a')).toBe(1);
  lru.set('c', 3);
  expect(lru.has('b')).toBe(false);
  expect(lru.has('a')).toBe(true);
  expect(lru.has('c')).toBe(true);
  expect(lru.size).toBe(2);
});
