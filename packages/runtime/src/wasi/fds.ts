import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import type { DirNode, FileNode } from './inodes';

/** Every right preview1 defines (bits 0..28). */
export const ALL_RIGHTS = (1n << 29n) - 1n;

const R = (bit: number): bigint => BigInt(bit);
/** Rights that mean something on a regular file; a file fd never reports more. */
export const FILE_RIGHTS =
  R(wasi.RIGHTS_FD_DATASYNC) | R(wasi.RIGHTS_FD_READ) | R(wasi.RIGHTS_FD_SEEK) | R(wasi.RIGHTS_FD_FDSTAT_SET_FLAGS) |
  R(wasi.RIGHTS_FD_SYNC) | R(wasi.RIGHTS_FD_TELL) | R(wasi.RIGHTS_FD_WRITE) | R(wasi.RIGHTS_FD_ADVISE) |
  R(wasi.RIGHTS_FD_ALLOCATE) | R(wasi.RIGHTS_FD_FILESTAT_GET) | R(wasi.RIGHTS_FD_FILESTAT_SET_SIZE) |
  R(wasi.RIGHTS_FD_FILESTAT_SET_TIMES) | R(wasi.RIGHTS_POLL_FD_READWRITE);
export const DIR_RIGHTS = ALL_RIGHTS & ~(R(wasi.RIGHTS_FD_READ) | R(wasi.RIGHTS_FD_WRITE) | R(wasi.RIGHTS_FD_SEEK) |
  R(wasi.RIGHTS_FD_ALLOCATE) | R(wasi.RIGHTS_FD_FILESTAT_SET_SIZE) | R(wasi.RIGHTS_SOCK_SHUTDOWN));

export const STDIO_RIGHTS = R(wasi.RIGHTS_FD_READ) | R(wasi.RIGHTS_FD_WRITE) | R(wasi.RIGHTS_FD_FDSTAT_SET_FLAGS) |
  R(wasi.RIGHTS_FD_FILESTAT_GET) | R(wasi.RIGHTS_POLL_FD_READWRITE);

/**
 * Our descriptors subclass the shim's Fd so they fit its fd table; the import layer
 * (`fs-imports.ts`) reads their state directly instead of going through the shim's methods.
 */
abstract class GuestFd extends Fd {
  constructor(public rights: bigint, public inheriting: bigint, public fdflags: number) {
    super();
  }

  has(right: number): boolean {
    return (this.rights & BigInt(right)) !== 0n;
  }
}

export class FileFd extends GuestFd {
  position = 0n;

  constructor(readonly node: FileNode, rights: bigint, fdflags: number) {
    super(rights & FILE_RIGHTS, 0n, fdflags);
  }
}

export class DirFd extends GuestFd {
  constructor(readonly node: DirNode, rights: bigint, inheriting: bigint, readonly preopenName: string | null) {
    super(rights & DIR_RIGHTS, inheriting, 0);
  }
}

/** stdout/stderr: append-only character devices that feed a sink. */
export class SinkFd extends GuestFd {
  constructor(readonly sink: (bytes: Uint8Array) => void) {
    super(STDIO_RIGHTS & ~R(wasi.RIGHTS_FD_READ), 0n, wasi.FDFLAGS_APPEND);
  }
}

/** stdin: a read-only character device over the task's bytes. */
export class SourceFd extends GuestFd {
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    super(STDIO_RIGHTS & ~R(wasi.RIGHTS_FD_WRITE), 0n, 0);
  }
}

export type AnyFd = FileFd | DirFd | SinkFd | SourceFd;
