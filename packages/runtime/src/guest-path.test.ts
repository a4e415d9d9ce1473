import { describe, expect, it } from 'vitest';
import { normalizeGuestPath, planGuestFiles } from './guest-path';

describe('normalizeGuestPath', () => {
  it.each([
    ['data.txt', '/input/data.txt'],
    ['a/b.txt', '/input/a/b.txt'],
    ['./a/./b.txt', '/input/a/b.txt'],
    ['a/../b.txt', '/input/b.txt'],
    ['/input/x', '/input/x'],
    ['/output/seed.bin', '/output/seed.bin'],
    ['/output/d/../e', '/output/e'],
    ['ünïcode file', '/input/ünïcode file'],
  ])('%s -> %s', (path, expected) => {
    expect(normalizeGuestPath(path)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['../x', /escapes/],
    ['a/../../x', /escapes/],
    ['/input/../output/x', /escapes/],
    ['/../etc/passwd', /escapes/],
    ['/etc/passwd', /not under \/input\/ or \/output\//],
    ['/inputs/x', /not under/],
    ['/x', /not under/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['//input/x', /empty segment/],
    ['a\0b', /NUL/],
    ['/input', /directory/],
    ['/output/.', /directory/],
    ['.', /directory/],
    ['x'.repeat(4097), /longer than 4096/],
  ])('rejects %j', (path, message) => {
    expect(() => normalizeGuestPath(path)).toThrow(RangeError);
    expect(() => normalizeGuestPath(path)).toThrow(message);
  });

  it('counts the length limit in UTF-8 bytes', () => {
    expect(normalizeGuestPath('é'.repeat(2048)).length).toBe('/input/'.length + 2048);
    expect(() => normalizeGuestPath('é'.repeat(2049))).toThrow(/longer than/);
  });
});

describe('planGuestFiles', () => {
  const bytes = new Uint8Array([1]);

  it('normalizes every key', () => {
    expect([...planGuestFiles({ 'a.txt': bytes, '/output/o': bytes }).keys()]).toEqual(['/input/a.txt', '/output/o']);
  });

  it('rejects two keys naming the same file', () => {
    expect(() => planGuestFiles({ 'a.txt': bytes, '/input/a.txt': bytes })).toThrow(/collides/);
  });

  it('rejects a file that another key needs as a directory', () => {
    expect(() => planGuestFiles({ a: bytes, 'a/b': bytes })).toThrow(/needs \/input\/a as a directory/);
    expect(() => planGuestFiles({ 'a/b': bytes, a: bytes })).toThrow(/collides/);
  });
});
