import { wasi } from '@bjorn3/browser_wasi_shim';
import { DirFd, FileFd, SinkFd, SourceFd } from './fds';
import { MAX_FILE_BYTES, encode, setTimes, type FdTable } from './fd-table';
import { DirNode, SymlinkNode } from './inodes';

type Import = (...args: never[]) => number;
const DIRENT_HEADER = 24;
const FDFLAGS_ALL = wasi.FDFLAGS_APPEND | wasi.FDFLAGS_DSYNC | wasi.FDFLAGS_NONBLOCK | wasi.FDFLAGS_RSYNC | wasi.FDFLAGS_SYNC;

/** fd_* imports over our descriptor table. Every failure is an errno; see `guardImports` for faults. */
export function fdImports(table: FdTable): Record<string, Import> {
  const exists = (fd: number): number => (table.get(fd) === undefined ? wasi.ERRNO_BADF : wasi.ERRNO_SUCCESS);

  function writeAt(file: FileFd, offset: bigint, chunks: Uint8Array[]): number | { n: number } {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (offset + BigInt(total) > BigInt(MAX_FILE_BYTES)) return wasi.ERRNO_FBIG;
    let at = Number(offset);
    for (const chunk of chunks) {
      file.node.write(at, chunk);
      at += chunk.length;
    }
    return { n: total };
  }

  function readAt(file: FileFd, offset: bigint, buffers: Uint8Array[]): number {
    let at = offset;
    let n = 0;
    for (const buffer of buffers) {
      const data = file.node.read(Number(at), buffer.length);
      buffer.set(data);
      n += data.length;
      at += BigInt(data.length);
      if (data.length < buffer.length) break;
    }
    return n;
  }

  return {
    fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_SPIPE ? wasi.ERRNO_SPIPE : wasi.ERRNO_BADF;
      return advice >>> 0 > wasi.ADVICE_NOREUSE ? wasi.ERRNO_INVAL : wasi.ERRNO_SUCCESS;
    },
    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      const file = table.file(fd);
      if (typeof file === 'number') return wasi.ERRNO_BADF;
      if (!file.has(wasi.RIGHTS_FD_WRITE)) return wasi.ERRNO_BADF;
      const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, len);
      if (end > BigInt(MAX_FILE_BYTES)) return wasi.ERRNO_FBIG;
      if (end > file.node.size) file.node.resize(Number(end));
      return wasi.ERRNO_SUCCESS;
    },
    fd_close(fd: number): number {
      if (table.get(fd) === undefined) return wasi.ERRNO_BADF;
      table.fds[fd >>> 0] = undefined;
      return wasi.ERRNO_SUCCESS;
    },
    fd_datasync: exists,
    fd_sync: exists,
    fd_fdstat_get(fd: number, ptr: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      const filetype =
        open instanceof FileFd ? wasi.FILETYPE_REGULAR_FILE : open instanceof DirFd ? wasi.FILETYPE_DIRECTORY : wasi.FILETYPE_CHARACTER_DEVICE;
      const view = table.view;
      table.slice(ptr, 24).fill(0);
      view.setUint8(ptr >>> 0, filetype);
      view.setUint16((ptr >>> 0) + 2, open.fdflags, true);
      view.setBigUint64((ptr >>> 0) + 8, open.rights, true);
      view.setBigUint64((ptr >>> 0) + 16, open.inheriting, true);
      return wasi.ERRNO_SUCCESS;
    },
    fd_fdstat_set_flags(fd: number, flags: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      if (flags & ~FDFLAGS_ALL) return wasi.ERRNO_INVAL;
      if (open instanceof DirFd || open instanceof SinkFd) return wasi.ERRNO_SUCCESS;
      open.fdflags = flags;
      return wasi.ERRNO_SUCCESS;
    },
    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      // Rights only ever shrink.
      if ((base & ~open.rights) !== 0n || (inheriting & ~open.inheriting) !== 0n) return wasi.ERRNO_NOTCAPABLE;
      open.rights = base;
      open.inheriting = inheriting;
      return wasi.ERRNO_SUCCESS;
    },
    fd_filestat_get(fd: number, ptr: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      if (open instanceof FileFd || open instanceof DirFd) table.filestat(ptr, open.node);
      else table.filestat(ptr, { ino: 0n, filetype: wasi.FILETYPE_CHARACTER_DEVICE, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n });
      return wasi.ERRNO_SUCCESS;
    },
    fd_filestat_set_size(fd: number, size: bigint): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_ISDIR ? wasi.ERRNO_BADF : file === wasi.ERRNO_SPIPE ? wasi.ERRNO_INVAL : file;
      if (!file.has(wasi.RIGHTS_FD_WRITE)) return wasi.ERRNO_BADF;
      if (BigInt.asUintN(64, size) > BigInt(MAX_FILE_BYTES)) return wasi.ERRNO_FBIG;
      file.node.resize(Number(size));
      return wasi.ERRNO_SUCCESS;
    },
    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      if (!(open instanceof FileFd || open instanceof DirFd)) return wasi.ERRNO_SUCCESS;
      return setTimes(open.node, table.ctx.now(), atim, mtim, flags);
    },
    fd_pread(fd: number, iovs: number, count: number, offset: bigint, nreadPtr: number): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_ISDIR ? wasi.ERRNO_BADF : file;
      if (!file.has(wasi.RIGHTS_FD_READ)) return wasi.ERRNO_BADF;
      if (offset < 0n) return wasi.ERRNO_INVAL;
      table.u32(nreadPtr, readAt(file, offset, table.iovecs(iovs, count)));
      return wasi.ERRNO_SUCCESS;
    },
    fd_pwrite(fd: number, iovs: number, count: number, offset: bigint, nwrittenPtr: number): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_ISDIR ? wasi.ERRNO_BADF : file;
      if (!file.has(wasi.RIGHTS_FD_WRITE)) return wasi.ERRNO_BADF;
      if (offset < 0n) return wasi.ERRNO_INVAL;
      // POSIX: pwrite writes at `offset` even on an O_APPEND descriptor, and leaves the position alone.
      const written = writeAt(file, offset, table.iovecs(iovs, count));
      if (typeof written === 'number') return written;
      table.u32(nwrittenPtr, written.n);
      return wasi.ERRNO_SUCCESS;
    },
    fd_read(fd: number, iovs: number, count: number, nreadPtr: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      const buffers = table.iovecs(iovs, count);
      if (open instanceof SourceFd) {
        let n = 0;
        for (const buffer of buffers) {
          const data = open.bytes.subarray(open.offset, open.offset + buffer.length);
          buffer.set(data);
          open.offset += data.length;
          n += data.length;
        }
        table.u32(nreadPtr, n);
        return wasi.ERRNO_SUCCESS;
      }
      if (!(open instanceof FileFd) || !open.has(wasi.RIGHTS_FD_READ)) return wasi.ERRNO_BADF;
      const n = readAt(open, open.position, buffers);
      open.position += BigInt(n);
      table.u32(nreadPtr, n);
      return wasi.ERRNO_SUCCESS;
    },
    fd_write(fd: number, iovs: number, count: number, nwrittenPtr: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      const chunks = table.iovecs(iovs, count);
      if (open instanceof SinkFd) {
        // Copies: the sink keeps them, and guest memory changes under a view.
        for (const chunk of chunks) open.sink(chunk.slice());
        table.u32(nwrittenPtr, chunks.reduce((sum, chunk) => sum + chunk.length, 0));
        return wasi.ERRNO_SUCCESS;
      }
      if (!(open instanceof FileFd) || !open.has(wasi.RIGHTS_FD_WRITE)) return wasi.ERRNO_BADF;
      if (open.fdflags & wasi.FDFLAGS_APPEND) open.position = open.node.size;
      const written = writeAt(open, open.position, chunks);
      if (typeof written === 'number') return written;
      open.position += BigInt(written.n);
      table.u32(nwrittenPtr, written.n);
      return wasi.ERRNO_SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, outPtr: number): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_ISDIR ? wasi.ERRNO_BADF : file;
      const tellOnly = whence === wasi.WHENCE_CUR && offset === 0n;
      if (!file.has(tellOnly ? wasi.RIGHTS_FD_TELL : wasi.RIGHTS_FD_SEEK) && !file.has(wasi.RIGHTS_FD_SEEK)) return wasi.ERRNO_NOTCAPABLE;
      const base = whence === wasi.WHENCE_SET ? 0n : whence === wasi.WHENCE_CUR ? file.position : whence === wasi.WHENCE_END ? file.node.size : -1n;
      if (base < 0n) return wasi.ERRNO_INVAL;
      const next = base + offset;
      if (next < 0n) return wasi.ERRNO_INVAL;
      file.position = next;
      table.u64(outPtr, next);
      return wasi.ERRNO_SUCCESS;
    },
    fd_tell(fd: number, outPtr: number): number {
      const file = table.file(fd);
      if (typeof file === 'number') return file === wasi.ERRNO_ISDIR ? wasi.ERRNO_BADF : file;
      table.u64(outPtr, file.position);
      return wasi.ERRNO_SUCCESS;
    },
    fd_renumber(from: number, to: number): number {
      const open = table.get(from);
      if (open === undefined || table.get(to) === undefined) return wasi.ERRNO_BADF;
      if (from >>> 0 === to >>> 0) return wasi.ERRNO_SUCCESS;
      table.fds[to >>> 0] = open;
      table.fds[from >>> 0] = undefined;
      return wasi.ERRNO_SUCCESS;
    },
    fd_prestat_get(fd: number, ptr: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      if (!(open instanceof DirFd) || open.preopenName === null) return wasi.ERRNO_BADF;
      table.u32(ptr, 0);
      table.u32((ptr >>> 0) + 4, encode(open.preopenName).length);
      return wasi.ERRNO_SUCCESS;
    },
    fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
      const open = table.get(fd);
      if (open === undefined) return wasi.ERRNO_BADF;
      if (!(open instanceof DirFd) || open.preopenName === null) return wasi.ERRNO_BADF;
      const name = encode(open.preopenName);
      if (name.length > len >>> 0) return wasi.ERRNO_NAMETOOLONG;
      table.slice(ptr, name.length).set(name);
      return wasi.ERRNO_SUCCESS;
    },
    fd_readdir(fd: number, buf: number, len: number, cookie: bigint, usedPtr: number): number {
      const dir = table.dir(fd);
      if (typeof dir === 'number') return dir === wasi.ERRNO_NOTDIR ? wasi.ERRNO_NOTDIR : dir;
      if (!dir.has(wasi.RIGHTS_FD_READDIR)) return wasi.ERRNO_NOTCAPABLE;
      const out = table.slice(buf, len);
      const entries = [
        ['.', dir.node],
        ['..', dir.node.parent ?? dir.node],
        ...dir.node.entries,
      ] as const;
      let used = 0;
      for (let index = Number(BigInt.asUintN(64, cookie)); index < entries.length && used < out.length; index++) {
        const [name, node] = entries[index] as (typeof entries)[number];
        const nameBytes = encode(name);
        const record = new Uint8Array(DIRENT_HEADER + nameBytes.length);
        const view = new DataView(record.buffer);
        view.setBigUint64(0, BigInt(index + 1), true);
        view.setBigUint64(8, node.ino, true);
        view.setUint32(16, nameBytes.length, true);
        view.setUint8(20, node instanceof SymlinkNode ? wasi.FILETYPE_SYMBOLIC_LINK : node instanceof DirNode ? wasi.FILETYPE_DIRECTORY : wasi.FILETYPE_REGULAR_FILE);
        record.set(nameBytes, DIRENT_HEADER);
        // A record that does not fit is cut; bufused == buf_len tells the guest to retry from its cookie with a larger buffer.
        const kept = record.subarray(0, Math.min(record.length, out.length - used));
        out.set(kept, used);
        used += kept.length;
      }
      table.u32(usedPtr, used);
      return wasi.ERRNO_SUCCESS;
    },
  };
}
