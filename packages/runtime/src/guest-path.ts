import { MAX_GUEST_PATH_LENGTH } from './limits';

const TOP_LEVEL_DIRS = new Set(['input', 'output']);
const utf8 = new TextEncoder();

/**
 * Maps a task's file key to an absolute guest path under /input/ or /output/.
 * Relative keys resolve under /input/. A `..` may never climb out of the top-level directory it
 * started in, so the result is always a file strictly inside /input/ or /output/.
 */
export function normalizeGuestPath(path: string): string {
  if (typeof path !== 'string') throw new RangeError('guest path must be a string');
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path);
  if (path.length === 0) throw new RangeError('guest path is empty');
  if (utf8.encode(path).length > MAX_GUEST_PATH_LENGTH) {
    throw new RangeError(`guest path ${shown} is longer than ${MAX_GUEST_PATH_LENGTH} bytes`);
  }
  if (path.includes('\0')) throw new RangeError(`guest path ${shown} contains a NUL byte`);

  const absolute = path.startsWith('/');
  const resolved = absolute ? [] : ['input'];
  for (const segment of (absolute ? path.slice(1) : path).split('/')) {
    if (segment === '') throw new RangeError(`guest path ${shown} has an empty segment`);
    if (segment === '.') continue;
    if (segment === '..') {
      if (resolved.length <= 1) throw new RangeError(`guest path ${shown} escapes /input/ and /output/`);
      resolved.pop();
      continue;
    }
    resolved.push(segment);
  }
  const top = resolved[0];
  if (top === undefined || !TOP_LEVEL_DIRS.has(top)) {
    throw new RangeError(`guest path ${shown} is not under /input/ or /output/`);
  }
  if (resolved.length < 2) throw new RangeError(`guest path ${shown} names a directory, not a file`);
  return `/${resolved.join('/')}`;
}

/**
 * Normalizes every key of `files` and rejects collisions: two keys naming the same file, or a
 * file that another key needs as a directory.
 */
export function planGuestFiles(files: Readonly<Record<string, Uint8Array>>): Map<string, Uint8Array> {
  const plan = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  for (const [key, bytes] of Object.entries(files)) {
    const path = normalizeGuestPath(key);
    if (plan.has(path) || dirs.has(path)) {
      throw new RangeError(`guest path ${JSON.stringify(key)} collides with another file at ${path}`);
    }
    plan.set(path, bytes);
    const segments = path.split('/');
    for (let end = 3; end < segments.length; end++) {
      const dir = segments.slice(0, end).join('/');
      if (plan.has(dir)) throw new RangeError(`guest path ${JSON.stringify(key)} needs ${dir} as a directory, but it is a file`);
      dirs.add(dir);
    }
  }
  return plan;
}
