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

it('keeps recency exact when the newest entry is read or written again', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  expect(lru.get('b')).toBe(2);
  lru.set('b', 20);
  expect(lru.get('a')).toBe(1);
  lru.set('c', 3);
  expect(lru.has('b')).toBe(false);
  expect(lru.get('a')).toBe(1);
  expect(lru.get('c')).toBe(3);
});

it('forgets a deleted newest entry', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  lru.delete('b');
  lru.set('b', 3);
  lru.set('c', 4);
  expect(lru.has('a')).toBe(false);
  expect(lru.get('b')).toBe(3);
  expect(lru.size).toBe(2);
});
