import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DIGEST } from '@tabgrid/protocol';

/** Module bytes on disk, addressed by their sha256 digest; writes are atomic (temp file + rename). */
export class ModuleFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'modules');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  static digestOf(bytes: Uint8Array): string {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  put(bytes: Uint8Array): string {
    const digest = ModuleFiles.digestOf(bytes);
    const file = this.fileFor(digest);
    if (!fs.existsSync(file)) {
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, file);
    }
    return digest;
  }

  get(digest: string): Buffer | undefined {
    if (!DIGEST.test(digest)) return undefined;
    try {
      return fs.readFileSync(this.fileFor(digest));
    } catch {
      return undefined;
    }
  }

  private fileFor(digest: string): string {
    return path.join(this.dir, `${digest.replace(':', '-')}.wasm`);
  }
}
