import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirFd, FileFd, type AnyFd } from './fds';
import { setTimes, type FdTable } from './fd-table';
import { DirNode, FileNode, SymlinkNode, type Node } from './inodes';
import { existing, lookup, type Lookup } from './resolve';

type Import = (...args: never[]) => number;
// lookupflags.symlink_follow (the shim does not export it).
const FOLLOW = 1;

/** path_* imports: every path resolves through `lookup`, so nothing leaves the descriptor's tree. */
export function pathImports(table: FdTable): Record<string, Import> {
  /** The directory fd, its right, and the decoded path; or an errno. */
  function start(fd: number, right: number, ptr: number, len: number): { dir: DirFd; path: string } | number {
    const dir = table.dir(fd);
    if (typeof dir === 'number') return dir;
    if (!dir.has(right)) return wasi.ERRNO_NOTCAPABLE;
    const path = table.string(ptr, len);
    return typeof path === 'number' ? path : { dir, path };
  }

  /** A lookup for creating or replacing the last component. */
  function parentOf(dir: DirFd, path: string): (Lookup & { name: string }) | number {
    const found = lookup(dir.node, path, false);
    if (typeof found === 'number') return found;
    if (found.name === null) return wasi.ERRNO_EXIST;
    return found as Lookup & { name: string };
  }

  function stat(fd: number, flags: number, ptr: number, len: number, right: number): Node | number {
    const at = start(fd, right, ptr, len);
    if (typeof at === 'number') return at;
    return existing(lookup(at.dir.node, at.path, (flags & FOLLOW) !== 0));
  }

  function remove(node: Node, from: DirNode, name: string): void {
    from.unlink(name);
    node.nlink -= 1n;
    node.ctim = table.ctx.now();
  }

  return {
    path_create_directory(fd: number, ptr: number, len: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_CREATE_DIRECTORY, ptr, len);
      if (typeof at === 'number') return at;
      const target = parentOf(at.dir, at.path);
      if (typeof target === 'number') return target;
      if (target.node !== undefined) return wasi.ERRNO_EXIST;
      target.dir.link(target.name, new DirNode(table.ctx));
      return wasi.ERRNO_SUCCESS;
    },
    path_filestat_get(fd: number, flags: number, ptr: number, len: number, out: number): number {
      const node = stat(fd, flags, ptr, len, wasi.RIGHTS_PATH_FILESTAT_GET);
      if (typeof node === 'number') return node;
      table.filestat(out, node);
      return wasi.ERRNO_SUCCESS;
    },
    path_filestat_set_times(fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number): number {
      const node = stat(fd, flags, ptr, len, wasi.RIGHTS_PATH_FILESTAT_SET_TIMES);
      if (typeof node === 'number') return node;
      return setTimes(node, table.ctx.now(), atim, mtim, fst);
    },
    path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const source = stat(oldFd, oldFlags, oldPtr, oldLen, wasi.RIGHTS_PATH_LINK_SOURCE);
      if (typeof source === 'number') return source;
      if (source instanceof DirNode) return wasi.ERRNO_PERM;
      const at = start(newFd, wasi.RIGHTS_PATH_LINK_TARGET, newPtr, newLen);
      if (typeof at === 'number') return at;
      const target = parentOf(at.dir, at.path);
      if (typeof target === 'number') return target;
      if (target.node !== undefined) return wasi.ERRNO_EXIST;
      if (target.mustBeDir) return wasi.ERRNO_NOENT;
      target.dir.link(target.name, source);
      source.nlink += 1n;
      source.ctim = table.ctx.now();
      return wasi.ERRNO_SUCCESS;
    },
    path_open(fd: number, dirflags: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_OPEN, ptr, len);
      if (typeof at === 'number') return at;
      const { dir, path } = at;
      // A descriptor never gets rights its directory cannot hand down.
      if ((base & ~dir.inheriting) !== 0n || (inheriting & ~dir.inheriting) !== 0n) return wasi.ERRNO_NOTCAPABLE;
      const found = lookup(dir.node, path, (dirflags & FOLLOW) !== 0);
      if (typeof found === 'number') return found;
      let node = found.node;
      if (node === undefined) {
        if ((oflags & wasi.OFLAGS_CREAT) === 0) return wasi.ERRNO_NOENT;
        if (!dir.has(wasi.RIGHTS_PATH_CREATE_FILE)) return wasi.ERRNO_NOTCAPABLE;
        if (found.mustBeDir || (oflags & wasi.OFLAGS_DIRECTORY) !== 0) return wasi.ERRNO_ISDIR;
        node = new FileNode(table.ctx);
        found.dir.link(found.name as string, node);
      } else if ((oflags & wasi.OFLAGS_CREAT) !== 0 && (oflags & wasi.OFLAGS_EXCL) !== 0) {
        return wasi.ERRNO_EXIST;
      }
      const wantsDir = found.mustBeDir || (oflags & wasi.OFLAGS_DIRECTORY) !== 0;
      let opened: AnyFd;
      if (node instanceof SymlinkNode) return wantsDir ? wasi.ERRNO_NOTDIR : wasi.ERRNO_LOOP;
      if (node instanceof DirNode) {
        if ((oflags & wasi.OFLAGS_TRUNC) !== 0 || (base & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n) return wasi.ERRNO_ISDIR;
        opened = new DirFd(node, base, inheriting, null);
      } else {
        if (wantsDir) return wasi.ERRNO_NOTDIR;
        const file = node as FileNode;
        if ((oflags & wasi.OFLAGS_TRUNC) !== 0) {
          if ((base & BigInt(wasi.RIGHTS_FD_WRITE)) === 0n) return wasi.ERRNO_BADF;
          file.resize(0);
        }
        opened = new FileFd(file, base, fdflags);
      }
      const slot = table.add(opened);
      if (slot < 0) return wasi.ERRNO_MFILE;
      table.u32(out, slot);
      return wasi.ERRNO_SUCCESS;
    },
    path_readlink(fd: number, ptr: number, len: number, buf: number, bufLen: number, nreadPtr: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_READLINK, ptr, len);
      if (typeof at === 'number') return at;
      const node = existing(lookup(at.dir.node, at.path, false));
      if (typeof node === 'number') return node;
      if (!(node instanceof SymlinkNode)) return wasi.ERRNO_INVAL;
      const target = new TextEncoder().encode(node.target);
      const kept = target.subarray(0, Math.min(target.length, bufLen >>> 0));
      table.slice(buf, kept.length).set(kept);
      table.u32(nreadPtr, kept.length);
      return wasi.ERRNO_SUCCESS;
    },
    path_remove_directory(fd: number, ptr: number, len: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_REMOVE_DIRECTORY, ptr, len);
      if (typeof at === 'number') return at;
      const found = lookup(at.dir.node, at.path, false);
      if (typeof found === 'number') return found;
      if (found.name === null) return wasi.ERRNO_INVAL;
      const node = found.node;
      if (node === undefined) return wasi.ERRNO_NOENT;
      if (!(node instanceof DirNode)) return wasi.ERRNO_NOTDIR;
      if (node.entries.size > 0) return wasi.ERRNO_NOTEMPTY;
      remove(node, found.dir, found.name);
      return wasi.ERRNO_SUCCESS;
    },
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = start(fd, wasi.RIGHTS_PATH_RENAME_SOURCE, oldPtr, oldLen);
      if (typeof from === 'number') return from;
      const to = start(newFd, wasi.RIGHTS_PATH_RENAME_TARGET, newPtr, newLen);
      if (typeof to === 'number') return to;
      const source = lookup(from.dir.node, from.path, false);
      if (typeof source === 'number') return source;
      if (source.name === null) return wasi.ERRNO_BUSY;
      const node = source.node;
      if (node === undefined) return wasi.ERRNO_NOENT;
      const target = parentOf(to.dir, to.path);
      if (typeof target === 'number') return target === wasi.ERRNO_EXIST ? wasi.ERRNO_BUSY : target;
      if (node === target.node) return wasi.ERRNO_SUCCESS;
      if (node instanceof DirNode) {
        if (node.contains(target.dir)) return wasi.ERRNO_INVAL;
        if (target.node !== undefined && !(target.node instanceof DirNode)) return wasi.ERRNO_NOTDIR;
        if (target.node instanceof DirNode && target.node.entries.size > 0) return wasi.ERRNO_NOTEMPTY;
      } else {
        if (source.mustBeDir || target.mustBeDir) return wasi.ERRNO_NOTDIR;
        if (target.node instanceof DirNode) return wasi.ERRNO_ISDIR;
      }
      if (target.node !== undefined) remove(target.node, target.dir, target.name);
      source.dir.unlink(source.name);
      target.dir.link(target.name, node);
      node.ctim = table.ctx.now();
      return wasi.ERRNO_SUCCESS;
    },
    path_symlink(oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_SYMLINK, newPtr, newLen);
      if (typeof at === 'number') return at;
      const target = table.string(oldPtr, oldLen);
      if (typeof target === 'number') return target;
      // As cap-std: an absolute target could only ever point outside the sandbox.
      if (target.startsWith('/')) return wasi.ERRNO_PERM;
      const link = parentOf(at.dir, at.path);
      if (typeof link === 'number') return link;
      if (link.node !== undefined) return wasi.ERRNO_EXIST;
      if (link.mustBeDir) return wasi.ERRNO_NOENT;
      link.dir.link(link.name, new SymlinkNode(table.ctx, target));
      return wasi.ERRNO_SUCCESS;
    },
    path_unlink_file(fd: number, ptr: number, len: number): number {
      const at = start(fd, wasi.RIGHTS_PATH_UNLINK_FILE, ptr, len);
      if (typeof at === 'number') return at;
      const found = lookup(at.dir.node, at.path, false);
      if (typeof found === 'number') return found;
      if (found.name === null) return wasi.ERRNO_ISDIR;
      const node = found.node;
      if (node === undefined) return wasi.ERRNO_NOENT;
      if (node instanceof DirNode) return wasi.ERRNO_ISDIR;
      if (found.mustBeDir) return wasi.ERRNO_NOTDIR;
      remove(node, found.dir, found.name);
      return wasi.ERRNO_SUCCESS;
    },
  };
}
