import { MemFS, WASI, init } from '@wasmer/wasi';
import type { GuestDir } from '../types';
import type { ConformanceEngine } from './engines';

/** `@wasmer/wasi@1.2.2` in-process, for the comparison table in docs/decisions.md. */
export async function wasmerEngine(): Promise<ConformanceEngine> {
  await init();
  return {
    name: 'wasmer',
    async run(test) {
      if (Object.values(test.preopens).some(hasSymlink)) return { skip: 'wasmer MemFS cannot hold symlinks' };
      const preopens: Record<string, string> = {};
      for (const name of Object.keys(test.preopens)) preopens[name] = name === '/' ? '/' : `/${name}`;
      // Preopened directories must exist in its MemFS before the WASI state is built.
      const fs = new MemFS();
      for (const [name, tree] of Object.entries(test.preopens)) writeTree(fs, preopens[name] ?? '/', tree);
      const wasi = new WASI({ args: [`${test.id.split('/').pop()}.wasm`, ...test.args], env: test.env, preopens, fs });
      let exitCode: number | null;
      let trap = '';
      try {
        const module = await WebAssembly.compile(test.wasm.slice());
        exitCode = wasi.start(wasi.instantiate(module, {}));
      } catch (thrown) {
        exitCode = null;
        trap = `\n${thrown instanceof Error ? thrown.message : String(thrown)}`;
      }
      const stderr = new Uint8Array([...wasi.getStderrBuffer(), ...new TextEncoder().encode(trap)]);
      const result = { exitCode, stdout: wasi.getStdoutBuffer(), stderr };
      wasi.free();
      return result;
    },
    close: () => Promise.resolve(),
  };
}

function hasSymlink(tree: GuestDir): boolean {
  return Object.values(tree).some((entry) => entry.type === 'symlink' || (entry.type === 'dir' && hasSymlink(entry.entries)));
}

function writeTree(fs: MemFS, at: string, tree: GuestDir): void {
  if (at !== '/') fs.createDir(at);
  for (const [name, entry] of Object.entries(tree)) {
    const full = at === '/' ? `/${name}` : `${at}/${name}`;
    if (entry.type === 'dir') writeTree(fs, full, entry.entries);
    else if (entry.type === 'file') fs.open(full, { read: true, write: true, create: true }).write(entry.data);
  }
}
