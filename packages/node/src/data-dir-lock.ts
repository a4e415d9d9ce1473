import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'agent.lock';

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One agent per data dir: two processes with one node id would keep displacing each other at
 * the orchestrator. The lock file holds the owner's pid; a lock whose process is gone is taken over.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(fs.realpathSync(dataDir), LOCK_FILE);
  // A lock with our own pid is stale (pid reuse, e.g. pid 1 in a container) unless we hold it.
  if (heldHere.has(file)) throw new DataDirBusyError(`an agent in this process is already using ${dataDir}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new DataDirBusyError(`another tabgrid-node (pid ${owner}) is using ${dataDir}; give this one its own --data`);
    }
    fs.rmSync(file, { force: true });
  }
  throw new DataDirBusyError(`cannot lock ${dataDir}`);
}
