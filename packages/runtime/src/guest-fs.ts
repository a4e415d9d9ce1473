import { ALL_RIGHTS, DirFd } from './wasi/fds';
import { DirNode, FileNode, SymlinkNode, type FsContext, type Node } from './wasi/inodes';
import type { GuestDir } from './types';

/**
 * The default guest filesystem: one preopen "/" holding `input/` and `output/` plus the task's
 * files. `files` must come from `planGuestFiles`, so paths are absolute and collision-free.
 */
export function buildDefaultRoot(ctx: FsContext, files: ReadonlyMap<string, Uint8Array>): DirFd {
  const root = new DirNode(ctx);
  for (const top of ['input', 'output']) root.link(top, new DirNode(ctx));
  for (const [path, bytes] of files) {
    const segments = path.split('/').slice(1);
    const name = segments.pop();
    if (name === undefined) continue;
    let dir = root;
    for (const segment of segments) {
      let child = dir.entries.get(segment);
      if (!(child instanceof DirNode)) {
        child = new DirNode(ctx);
        dir.link(segment, child);
      }
      dir = child as DirNode;
    }
    dir.link(name, new FileNode(ctx, bytes));
  }
  return preopen('/', root);
}

export function preopen(name: string, root: DirNode): DirFd {
  return new DirFd(root, ALL_RIGHTS, ALL_RIGHTS, name);
}

/** Copies a tree into fresh inodes. */
export function treeToNode(ctx: FsContext, tree: GuestDir): DirNode {
  const dir = new DirNode(ctx);
  for (const [name, entry] of Object.entries(tree)) {
    switch (entry.type) {
      case 'file':
        dir.link(name, new FileNode(ctx, entry.data));
        break;
      case 'dir':
        dir.link(name, treeToNode(ctx, entry.entries));
        break;
      case 'symlink':
        dir.link(name, new SymlinkNode(ctx, entry.target));
        break;
    }
  }
  return dir;
}

export function nodeToTree(dir: DirNode): GuestDir {
  const tree: GuestDir = {};
  for (const [name, node] of dir.entries) {
    if (node instanceof FileNode) tree[name] = { type: 'file', data: node.data.slice() };
    else if (node instanceof DirNode) tree[name] = { type: 'dir', entries: nodeToTree(node) };
    else if (node instanceof SymlinkNode) tree[name] = { type: 'symlink', target: node.target };
  }
  return tree;
}

/**
 * Regular files under `dir`, by guest path in sorted order, up to `capBytes` in total. A file
 * that does not fit is left out whole (never cut), and `truncated` says so.
 */
export function collectFiles(dir: Node | undefined, prefix: string, capBytes: number): { files: Record<string, Uint8Array>; truncated: boolean } {
  const files: Record<string, Uint8Array> = {};
  let total = 0;
  let truncated = false;
  const walk = (node: DirNode, path: string): void => {
    for (const name of [...node.entries.keys()].sort()) {
      const child = node.entries.get(name);
      const childPath = `${path}/${name}`;
      if (child instanceof DirNode) walk(child, childPath);
      else if (child instanceof FileNode) {
        if (total + child.data.length > capBytes) truncated = true;
        else {
          files[childPath] = child.data.slice();
          total += child.data.length;
        }
      }
    }
  };
  if (dir instanceof DirNode) walk(dir, prefix);
  return { files, truncated };
}
