import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

test('a region-constrained task runs only on a tab of that region, and waits visibly until one exists', async ({ grid, api }) => {
  await uploadExample(api, 'hello', 'regions');
  const [eu] = await grid.openVolunteers(1, { region: 'eu' });
  const us = await grid.openVolunteers(2, { region: 'us' });
  const euId = await eu!.nodeId();
  const usIds = await Promise.all(us.map((tab) => tab.nodeId()));

  for (let i = 0; i < 6; i++) {
    const stdin = `eu task ${i}`;
    expect(await api.invoke({ function: 'hello@regions', stdin, region: 'eu' })).toMatchObject({
      stdout: helloOutput(stdin),
      nodes: [euId],
    });
  }
  const usJob = await api.createJob({ function: 'hello@regions', region: 'us', tasks: Array.from({ length: 10 }, (_, i) => ({ stdin: `us ${i}` })) });
  await expect.poll(async () => (await api.getJob(usJob.id)).status).toBe('done');
  const ran = (await api.jobResults(usJob.id)).flatMap((r) => r.nodes);
  expect(ran.every((id) => usIds.includes(id))).toBe(true);

  const asiaJob = await api.createJob({ function: 'hello@regions', region: 'asia', tasks: [{ stdin: 'far away' }] });
  expect(await api.getJob(asiaJob.id)).toMatchObject({ status: 'queued', queued: 1 });
  const [asia] = await grid.openVolunteers(1, { region: 'asia' });
  await expect.poll(async () => (await api.getJob(asiaJob.id)).status).toBe('done');
  expect((await api.jobResults(asiaJob.id))[0]).toMatchObject({ stdout: helloOutput('far away'), nodes: [await asia!.nodeId()] });
});
