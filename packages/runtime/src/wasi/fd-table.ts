import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirFd, FileFd, type AnyFd } from './fds';
import type { FsContext, Node } from './inodes';

/** Open descriptors per task; like a process's RLIMIT_NOFILE. */
export const MAX_OPEN_FDS = 4096;
/** No single in-memory file may grow past this (FBIG), so a guest cannot exhaust the worker's heap with one ftruncate. */
export const MAX_FILE_BYTES = 1 << 30;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

const noTask = (): never => {
  throw new Error('no task is running');
};
const NO_TASK: FsContext = { now: noTask, nextIno: noTask };

/** Thrown by memory accessors for pointers outside guest memory; the import wrapper turns it into FAULT. */
export class GuestFault extends Error {}

/**
 * The descriptor table and guest-memory accessors shared by the fd_* and path_* imports. One table
 * serves every task of a worker: `reset` swaps in the next task's descriptors and inode context.
 */
export class FdTable {
  #fds: Array<AnyFd | undefined> = [];
  #ctx: FsContext = NO_TASK;

  constructor(private readonly memory: () => WebAssembly.Memory) {}

  get fds(): Array<AnyFd | undefined> {
    return this.#fds;
  }

  get ctx(): FsContext {
    return this.#ctx;
  }

  reset(fds: Array<AnyFd | undefined>, ctx: FsContext): void {
    this.#fds = fds;
    this.#ctx = ctx;
  }

  /** Between tasks: no descriptors, and any use of the context throws. */
  clear(): void {
    this.reset([], NO_TASK);
  }

  get view(): DataView {
    return new DataView(this.memory().buffer);
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.memory().buffer);
  }

  get(fd: number): AnyFd | undefined {
    return this.fds[fd >>> 0];
  }

  dir(fd: number): DirFd | number {
    const open = this.get(fd);
    if (open === undefined) return wasi.ERRNO_BADF;
    return open instanceof DirFd ? open : wasi.ERRNO_NOTDIR;
  }

  file(fd: number): FileFd | number {
    const open = this.get(fd);
    if (open === undefined) return wasi.ERRNO_BADF;
    return open instanceof FileFd ? open : open instanceof DirFd ? wasi.ERRNO_ISDIR : wasi.ERRNO_SPIPE;
  }

  /** Lowest free slot, as POSIX open() does. */
  add(fd: AnyFd): number {
    let slot = this.fds.indexOf(undefined);
    if (slot < 0) slot = this.fds.length;
    if (slot >= MAX_OPEN_FDS) return -1;
    this.fds[slot] = fd;
    return slot;
  }

  slice(ptr: number, len: number): Uint8Array {
    const bytes = this.bytes;
    const start = ptr >>> 0;
    const end = start + (len >>> 0);
    if (end > bytes.length) throw new GuestFault(`guest range ${start}+${len >>> 0} is outside memory`);
    return bytes.subarray(start, end);
  }

  /** A guest path: UTF-8 or ILSEQ. */
  string(ptr: number, len: number): string | number {
    try {
      return utf8.decode(this.slice(ptr, len));
    } catch (thrown) {
      if (thrown instanceof GuestFault) throw thrown;
      return wasi.ERRNO_ILSEQ;
    }
  }

  /** The buffers of an iovec/ciovec array, as views into guest memory. */
  iovecs(ptr: number, count: number): Uint8Array[] {
    const view = this.view;
    const out: Uint8Array[] = [];
    for (let i = 0; i < count >>> 0; i++) {
      const at = (ptr >>> 0) + i * 8;
      out.push(this.slice(view.getUint32(at, true), view.getUint32(at + 4, true)));
    }
    return out;
  }

  u32(ptr: number, value: number): void {
    this.view.setUint32(ptr >>> 0, value, true);
  }

  u64(ptr: number, value: bigint): void {
    this.view.setBigUint64(ptr >>> 0, value, true);
  }

  /** filestat is 64 bytes; the shim writes its timestamps at the wrong offsets, so we write our own. */
  filestat(ptr: number, stat: { ino: bigint; filetype: number; nlink: bigint; size: bigint; atim: bigint; mtim: bigint; ctim: bigint }): void {
    const view = this.view;
    const at = ptr >>> 0;
    this.slice(at, 64).fill(0);
    view.setBigUint64(at, 1n, true);
    view.setBigUint64(at + 8, stat.ino, true);
    view.setUint8(at + 16, stat.filetype);
    view.setBigUint64(at + 24, stat.nlink, true);
    view.setBigUint64(at + 32, stat.size, true);
    view.setBigUint64(at + 40, stat.atim, true);
    view.setBigUint64(at + 48, stat.mtim, true);
    view.setBigUint64(at + 56, stat.ctim, true);
  }
}

export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Applies fd/path_filestat_set_times flags; INVAL when a time is both given and "now". */
export function setTimes(node: Node, now: bigint, atim: bigint, mtim: bigint, flags: number): number {
  const both = (set: number, toNow: number): boolean => (flags & set) !== 0 && (flags & toNow) !== 0;
  if (both(wasi.FSTFLAGS_ATIM, wasi.FSTFLAGS_ATIM_NOW) || both(wasi.FSTFLAGS_MTIM, wasi.FSTFLAGS_MTIM_NOW)) return wasi.ERRNO_INVAL;
  if (flags & ~0xf) return wasi.ERRNO_INVAL;
  if (flags & wasi.FSTFLAGS_ATIM) node.atim = BigInt.asUintN(64, atim);
  if (flags & wasi.FSTFLAGS_ATIM_NOW) node.atim = now;
  if (flags & wasi.FSTFLAGS_MTIM) node.mtim = BigInt.asUintN(64, mtim);
  if (flags & wasi.FSTFLAGS_MTIM_NOW) node.mtim = now;
  node.ctim = now;
  return wasi.ERRNO_SUCCESS;
}
