import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The developer key: from the environment, else the one stored in the data dir, else a new one stored there. */
export function resolveApiKey(dataDir: string, fromEnv: string | undefined): { key: string; generated: boolean } {
  if (fromEnv) return { key: fromEnv, generated: false };
  const file = path.join(dataDir, 'api-key');
  if (fs.existsSync(file)) {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored) return { key: stored, generated: false };
  }
  const key = `tg_${randomBytes(24).toString('base64url')}`;
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

export function keysEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
