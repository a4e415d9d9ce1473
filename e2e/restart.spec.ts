import { uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

const TASKS = 120;

test('kill -9 of the orchestrator mid-job: tabs reconnect to the restarted server and the job completes, each task once', async ({
  grid,
  api,
  orchestrator,
}) => {
  test.setTimeout(150_000);
  await uploadExample(api, 'primes', 'restart');
  const tabs = await grid.openVolunteers(3);
  const ids = await Promise.all(tabs.map((tab) => tab.nodeId()));
  const tasks = Array.from({ length: TASKS }, (_, i) => ({ args: [String(20_000_000 + i)] }));
  const job = await api.createJob({ function: 'primes@restart', tasks });
  await expect.poll(async () => (await api.getJob(job.id)).done, { timeout: 30_000 }).toBeGreaterThan(10);

  await orchestrator.kill();
  for (const tab of tabs) await expect(tab.phase).toHaveText('reconnecting', { timeout: 15_000 });
  await orchestrator.restart();

  // The tabs come back by themselves, as the same nodes.
  await expect.poll(async () => (await api.listNodes()).map((n) => n.id).sort(), { timeout: 60_000 }).toEqual([...ids].sort());
  await expect.poll(async () => (await api.getJob(job.id)).status, { timeout: 90_000 }).not.toMatch(/queued|running/);
  const failures = (await api.jobResults(job.id)).filter((r) => r.status !== 'ok');
  expect(failures, 'no task may fail because the orchestrator died').toEqual([]);
  expect(await api.getJob(job.id)).toMatchObject({ total: TASKS, done: TASKS, failed: 0 });
  const results = await api.jobResults(job.id);
  expect(results.map((r) => r.index)).toEqual(Array.from({ length: TASKS }, (_, i) => i));
  expect(results.every((r) => r.status === 'ok' && r.stdout.startsWith(`primes<=${20_000_000 + r.index}: `))).toBe(true);
  expect(results[0]!.stdout).toBe('primes<=20000000: 1270607, largest: 19999999\n');
});
