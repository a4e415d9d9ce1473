import { Directory, File, PreopenDirectory, type Inode } from '@bjorn3/browser_wasi_shim';

interface DirNode {
  dirs: Map<string, DirNode>;
  files: Map<string, Uint8Array>;
}

/**
 * Builds the in-memory guest filesystem: one preopen "/" holding `input/` and `output/` plus the
 * task's files. `files` must come from `planGuestFiles`, so paths are absolute and collision-free.
 */
export function buildGuestRoot(files: ReadonlyMap<string, Uint8Array>): PreopenDirectory {
  const root: DirNode = { dirs: new Map(), files: new Map() };
  for (const top of ['input', 'output']) root.dirs.set(top, emptyDir());
  for (const [path, bytes] of files) {
    const segments = path.split('/').slice(1);
    const name = segments.pop();
    if (name === undefined) continue;
    let dir = root;
    for (const segment of segments) {
      let child = dir.dirs.get(segment);
      if (child === undefined) {
        child = emptyDir();
        dir.dirs.set(segment, child);
      }
      dir = child;
    }
    dir.files.set(name, bytes);
  }
  return new PreopenDirectory('/', toContents(root));
}

function emptyDir(): DirNode {
  return { dirs: new Map(), files: new Map() };
}

// Bottom-up, because a shim Directory records itself as parent only of the children it is built with.
function toContents(node: DirNode): Map<string, Inode> {
  const contents = new Map<string, Inode>();
  for (const [name, child] of node.dirs) contents.set(name, new Directory(toContents(child)));
  for (const [name, bytes] of node.files) contents.set(name, new File(bytes));
  return contents;
}
