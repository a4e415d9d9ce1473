import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isNodeId } from '@tabgrid/protocol';

export const NODE_ID_FILE = 'node-id';

export class IdentityError extends Error {
  override name = 'IdentityError';
}

/**
 * The agent's node id, kept in `<dataDir>/node-id` so a restarted agent is the same node to the
 * orchestrator (its leases, reputation and module locality follow it). Created on first start.
 * A file that does not hold a valid id is an error, not silently replaced: replacing it would
 * throw that identity away.
 */
export function loadOrCreateNodeId(dataDir: string): string {
  const file = path.join(dataDir, NODE_ID_FILE);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing !== undefined) {
    if (!isNodeId(existing)) {
      throw new IdentityError(
        `${file} does not hold a node id (8-64 characters of [A-Za-z0-9_-]); fix or delete it to start as a new node`,
      );
    }
    return existing;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${newNodeId()}\n`, { mode: 0o600 });
  try {
    // link() publishes the complete file and fails if another starter got there first.
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return loadOrCreateNodeId(dataDir);
}

/** Same shape as a tab's id (`n_` + 16 base64url characters), so both kinds read alike. */
export function newNodeId(): string {
  return `n_${randomBytes(12).toString('base64url')}`;
}
