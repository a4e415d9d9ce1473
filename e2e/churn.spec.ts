import { uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

// Enough that the job is still well under way when the newcomers have connected: 240 tasks took ~4 s
// on 2 cores once tabs batched their work, and two new tabs can take about that long to connect,
// so they sometimes only saw the job's last stragglers.
const TASKS = 600;

test('6 tabs run a 600-task job; 3 close and 2 join mid-job; every result arrives once, correct, in order', async ({
  grid,
  api,
}) => {
  test.setTimeout(120_000);
  await uploadExample(api, 'primes', 'churn');
  const tabs = await grid.openVolunteers(6);
  // Each task is ~30 ms of CPU (a sieve to 20 million), so the job still runs when the tabs change.
  const tasks = Array.from({ length: TASKS }, (_, i) => ({ args: [String(20_000_000 + i)] }));
  const job = await api.createJob({ function: 'primes@churn', tasks });

  await expect.poll(async () => (await api.getJob(job.id)).done, { timeout: 30_000 }).toBeGreaterThan(20);
  await Promise.all(tabs.slice(0, 3).map((tab) => tab.close()));
  const newcomers = await grid.openVolunteers(2);

  const finished = await expect
    .poll(async () => (await api.getJob(job.id)).status, { timeout: 90_000 })
    .toBe('done')
    .then(() => api.getJob(job.id));
  expect(finished).toMatchObject({ total: TASKS, done: TASKS, failed: 0, running: 0, queued: 0 });

  const results = await api.jobResults(job.id);
  expect(results.map((r) => r.index)).toEqual(Array.from({ length: TASKS }, (_, i) => i));
  for (const r of results) {
    expect(r.status).toBe('ok');
    expect(r.stdout).toMatch(new RegExp(`^primes<=${20_000_000 + r.index}: \\d+, largest: \\d+\\n$`));
  }
  expect(results[0]!.stdout, 'checked against an independent sieve').toBe('primes<=20000000: 1270607, largest: 19999999\n');
  const newcomerIds = await Promise.all(newcomers.map((tab) => tab.nodeId()));
  const ranOn = new Set(results.flatMap((r) => r.nodes));
  expect(newcomerIds.some((id) => ranOn.has(id)), 'the tabs that joined mid-job took work').toBe(true);
});
