import { Inode, wasi, type Fd } from '@bjorn3/browser_wasi_shim';

/** Where timestamps and inode numbers come from: per task, so two runs number and date alike. */
export interface FsContext {
  /** Virtual realtime, ns since the Unix epoch. */
  now(): bigint;
  nextIno(): bigint;
}

/**
 * Our in-memory inodes. They subclass the shim's Inode only to stay interchangeable with its types;
 * inode numbers and timestamps are ours, because the shim's counter is process-global (runs in a
 * warm worker would number differently) and it keeps no timestamps at all.
 */
export abstract class Node extends Inode {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  nlink = 1n;
  abstract readonly filetype: number;

  constructor(readonly ctx: FsContext) {
    super();
    this.ino = ctx.nextIno();
    const now = ctx.now();
    this.atim = now;
    this.mtim = now;
    this.ctim = now;
  }

  abstract get size(): bigint;

  touchData(): void {
    this.mtim = this.ctx.now();
    this.ctim = this.mtim;
  }

  // The shim's Inode API; our import layer never calls these.
  override path_open(): { ret: number; fd_obj: Fd | null } {
    return { ret: wasi.ERRNO_NOTSUP, fd_obj: null };
  }

  override stat(): wasi.Filestat {
    const stat = new wasi.Filestat(this.ino, this.filetype, this.size);
    stat.nlink = this.nlink;
    stat.atim = this.atim;
    stat.mtim = this.mtim;
    stat.ctim = this.ctim;
    return stat;
  }
}

export class FileNode extends Node {
  readonly filetype = wasi.FILETYPE_REGULAR_FILE;
  /** Backing store; `length` is the file size, capacity grows geometrically. */
  #bytes: Uint8Array;
  #length: number;

  constructor(ctx: FsContext, data: Uint8Array = new Uint8Array(0)) {
    super(ctx);
    this.#bytes = data.slice();
    this.#length = data.length;
  }

  get size(): bigint {
    return BigInt(this.#length);
  }

  get data(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  read(offset: number, length: number): Uint8Array {
    if (offset >= this.#length) return new Uint8Array(0);
    return this.#bytes.slice(offset, Math.min(this.#length, offset + length));
  }

  write(offset: number, data: Uint8Array): void {
    this.resize(Math.max(this.#length, offset + data.length), false);
    this.#bytes.set(data, offset);
    this.touchData();
  }

  resize(length: number, touch = true): void {
    if (length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(length, Math.min(this.#bytes.length * 2, length + (1 << 24))));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    } else if (length < this.#length) {
      this.#bytes.fill(0, length, this.#length);
    }
    this.#length = length;
    if (touch) this.touchData();
  }
}

export class DirNode extends Node {
  readonly filetype = wasi.FILETYPE_DIRECTORY;
  readonly entries = new Map<string, Node>();
  /** null for a preopen root, which is its own parent as far as the guest can see. */
  parent: DirNode | null = null;

  get size(): bigint {
    return 0n;
  }

  link(name: string, node: Node): void {
    this.entries.set(name, node);
    if (node instanceof DirNode) node.parent = this;
    this.touchData();
  }

  unlink(name: string): void {
    this.entries.delete(name);
    this.touchData();
  }

  /** True if `this` is `other` or one of its ancestors. */
  contains(other: DirNode): boolean {
    for (let dir: DirNode | null = other; dir !== null; dir = dir.parent) if (dir === this) return true;
    return false;
  }
}

export class SymlinkNode extends Node {
  readonly filetype = wasi.FILETYPE_SYMBOLIC_LINK;

  constructor(ctx: FsContext, readonly target: string) {
    super(ctx);
  }

  get size(): bigint {
    return BigInt(new TextEncoder().encode(this.target).length);
  }
}
