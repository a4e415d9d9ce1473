// `npm run conformance -- [--engine node|chromium|wasmer]... <dir>...`
// Runs wasi-testsuite-style directories through our runtime (Node worker pool and a Chromium Web
// Worker by default) or @wasmer/wasi, prints a test × engine table, exits 1 on any failure.
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';
import { createNodePool } from '@tabgrid/runtime/node';
import { chromiumEngine, poolEngine, runConformance, summary, wasmerEngine, type ConformanceEngine } from '@tabgrid/runtime/conformance';

const ENGINES = ['node', 'chromium', 'wasmer'] as const;
type EngineName = (typeof ENGINES)[number];

const dirs: string[] = [];
const chosen: EngineName[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  if (arg === '--engine') {
    const name = argv[++i] ?? '';
    if (!(ENGINES as readonly string[]).includes(name)) throw new Error(`--engine takes one of ${ENGINES.join(', ')}, got ${JSON.stringify(name)}`);
    chosen.push(name as EngineName);
  } else dirs.push(arg);
}
if (dirs.length === 0) {
  console.error('usage: npm run conformance -- [--engine node|chromium|wasmer]... <dir>...');
  process.exit(2);
}

async function open(name: EngineName): Promise<ConformanceEngine> {
  switch (name) {
    case 'node':
      return poolEngine('node', createNodePool({ size: 2 }));
    case 'chromium':
      return chromiumEngine(chromiumLaunchOptions());
    case 'wasmer':
      return wasmerEngine();
  }
}

const engines: ConformanceEngine[] = [];
for (const name of chosen.length > 0 ? chosen : (['node', 'chromium'] as const)) engines.push(await open(name));
try {
  const rows = await runConformance(dirs, engines);
  const { text, failed } = summary(engines, rows);
  console.log(text);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  await Promise.all(engines.map((engine) => engine.close()));
}
