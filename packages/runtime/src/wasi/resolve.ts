import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirNode, SymlinkNode, type Node } from './inodes';

/** Symlink expansions per lookup, as Linux's MAXSYMLINKS. */
const MAX_SYMLINKS = 40;

export interface Lookup {
  /** The directory that holds `name`, or the named directory itself when `name` is null. */
  dir: DirNode;
  /** null when the path names `dir` itself (".", "a/..", a symlink to "."). */
  name: string | null;
  /** undefined when the last component does not exist (yet). */
  node: Node | undefined;
  /** The path ended in "/", "." or "..", or went through a symlink that did: only a directory fits. */
  mustBeDir: boolean;
}

/**
 * Resolves a guest path against a directory descriptor the way wasmtime (cap-std) does: absolute
 * paths, and any `..` or symlink that would climb above `base`, fail with PERM — the sandbox
 * boundary is the descriptor used, not just the preopen. Intermediate symlinks are always
 * followed; the last one only with `followLast`. Returns an errno on failure.
 */
export function lookup(base: DirNode, path: string, followLast: boolean): Lookup | number {
  if (path === '') return wasi.ERRNO_NOENT;
  if (path.includes('\0')) return wasi.ERRNO_INVAL;
  if (path.startsWith('/')) return wasi.ERRNO_PERM;
  const stack: DirNode[] = [base];
  let mustBeDir = false;
  let queue = components(path);
  if (queue.trailingDir) mustBeDir = true;
  let parts = queue.parts;
  let expansions = 0;

  const top = (): DirNode => stack[stack.length - 1] ?? base;
  while (parts.length > 0) {
    const part = parts.shift() as string;
    const last = parts.length === 0;
    if (part === '..') {
      if (stack.length === 1) return wasi.ERRNO_PERM;
      stack.pop();
      continue;
    }
    const dir = top();
    const child = dir.entries.get(part);
    if (child instanceof SymlinkNode && (!last || followLast || mustBeDir)) {
      if (++expansions > MAX_SYMLINKS) return wasi.ERRNO_LOOP;
      if (child.target.startsWith('/')) return wasi.ERRNO_PERM;
      if (child.target === '') return wasi.ERRNO_NOENT;
      queue = components(child.target);
      if (last && queue.trailingDir) mustBeDir = true;
      parts = [...queue.parts, ...parts];
      continue;
    }
    if (last) return { dir, name: part, node: child, mustBeDir };
    if (child === undefined) return wasi.ERRNO_NOENT;
    if (!(child instanceof DirNode)) return wasi.ERRNO_NOTDIR;
    stack.push(child);
  }
  return { dir: top(), name: null, node: top(), mustBeDir: true };
}

function components(path: string): { parts: string[]; trailingDir: boolean } {
  const raw = path.split('/');
  const lastRaw = raw[raw.length - 1];
  return {
    parts: raw.filter((part) => part !== '' && part !== '.'),
    trailingDir: lastRaw === '' || lastRaw === '.' || lastRaw === '..',
  };
}

/** The existing node a lookup names, checked against a trailing slash; an errno if there is none. */
export function existing(found: Lookup | number): Node | number {
  if (typeof found === 'number') return found;
  if (found.node === undefined) return wasi.ERRNO_NOENT;
  if (found.mustBeDir && !(found.node instanceof DirNode)) return wasi.ERRNO_NOTDIR;
  return found.node;
}

