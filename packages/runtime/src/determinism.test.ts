// Determinism and output files through the real Node worker pool (Chromium: scripts/conformance.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { createNodePool } from './node-pool';
import { conformanceProgram, fromWat, task } from './test-modules';

const pool = createNodePool({ size: 2 });
const smallCapPool = createNodePool({ size: 1, outputFilesCapBytes: 64 });
afterAll(() => Promise.all([pool.stop(), smallCapPool.stop()]));
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('determinism', () => {
  it('gives two runs of the same task identical clocks, random bytes and output files', async () => {
    const clocks = conformanceProgram('clocks');
    const [first, second] = await Promise.all([pool.run(clocks, task({ seed: 'task-7' })), pool.run(clocks, task({ seed: 'task-7' }))]);
    expect(first?.status).toBe('ok');
    expect(text(first!.stdout)).toMatch(/^realtime 1704067200\.\d{9} monotonic 0\.\d{9} res 1000 random [0-9a-f]{32} after-sleep 0\.25\d{7}\n$/);
    for (const key of ['stdout', 'stderr', 'files', 'fuelUsed', 'exitCode'] as const) expect(second?.[key]).toEqual(first?.[key]);
  });

  it('draws different random bytes for a different seed, and the same for the default seed', async () => {
    const clocks = conformanceProgram('clocks');
    const random = async (seed?: string): Promise<string> => {
      const outcome = await pool.run(clocks, seed === undefined ? task() : task({ seed }));
      return /random ([0-9a-f]+)/.exec(text(outcome.stdout))?.[1] ?? '';
    };
    const [a, b, empty, unset] = await Promise.all([random('a'), random('b'), random(''), random()]);
    expect(a).not.toBe(b);
    expect(empty).toBe(unset);
  });
});

describe('output files', () => {
  it('returns what the guest wrote under /output/, by guest path', async () => {
    const outcome = await pool.run(conformanceProgram('clocks'), task({ seed: 's' }));
    expect(Object.keys(outcome.files ?? {})).toEqual(['/output/result.txt', '/output/sub/random.bin']);
    expect(text(outcome.files?.['/output/result.txt'] ?? new Uint8Array())).toBe(text(outcome.stdout));
    expect(outcome.files?.['/output/sub/random.bin']).toHaveLength(16);
  });

  it('leaves out files past the cap and marks the outcome truncated', async () => {
    const outcome = await smallCapPool.run(conformanceProgram('clocks'), task({ files: { '/output/zz-big.bin': new Uint8Array(100) } }));
    // result.txt is over the 64-byte cap of this pool, random.bin fits, zz-big.bin does not.
    expect(Object.keys(outcome.files ?? {})).toEqual(['/output/sub/random.bin']);
    expect(outcome.truncated).toBe(true);
  });

  it('returns input files left in /output/ and nothing else', async () => {
    const noop = fromWat('(module (memory (export "memory") 1) (func (export "_start")))');
    const outcome = await pool.run(noop, task({ files: { 'in.txt': new Uint8Array([1]), '/output/o.txt': new Uint8Array([2]) } }));
    expect(outcome.files).toEqual({ '/output/o.txt': new Uint8Array([2]) });
    expect(outcome.truncated).toBe(false);
  });
});

describe('preopens', () => {
  it('preopens trees by name and hands back what the guest left in them', async () => {
    const outcome = await pool.run(
      conformanceProgram('clocks'),
      task({ preopens: { '/': { output: { type: 'dir', entries: { old: { type: 'file', data: new Uint8Array([7]) } } } } }, returnPreopens: true }),
    );
    expect(outcome.status).toBe('ok');
    const output = outcome.preopens?.['/']?.['output'];
    expect(output?.type === 'dir' && Object.keys(output.entries).sort()).toEqual(['old', 'result.txt', 'sub']);
    // /output/ collection belongs to the default root only.
    expect(outcome.files).toEqual({});
  });

  it('refuses files together with preopens', async () => {
    const outcome = await pool.run(conformanceProgram('clocks'), task({ preopens: {}, files: { 'a.txt': new Uint8Array() } }));
    expect(text(outcome.stderr)).toBe('task.files must be empty when task.preopens is given');
  });
});
