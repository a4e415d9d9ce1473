import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

test('20 concurrent invokes over 3 tabs all return their own output', async ({ grid, api }) => {
  const tabs = await grid.openVolunteers(3);
  const ids = await Promise.all(tabs.map((t) => t.nodeId()));
  await uploadExample(api, 'hello');

  const inputs = Array.from({ length: 20 }, (_, i) => `task ${i} of twenty: fan out\n`);
  const results = await Promise.all(inputs.map((stdin) => api.invoke({ function: 'hello@e2e', stdin })));

  results.forEach((result, i) => {
    expect(result, `invoke #${i}`).toMatchObject({ status: 'ok', exitCode: 0, stdout: helloOutput(inputs[i]!) });
    expect(ids, `invoke #${i} ran on a node of this test`).toContain(result.nodes[0]);
  });
  expect(new Set(results.map((r) => r.stdout)).size).toBe(20);

  const used = new Set(results.flatMap((r) => r.nodes));
  const perNode = ids.map((id) => `${id}: ${results.filter((r) => r.nodes.includes(id)).length}`).join(', ');
  expect(used.size, `tasks per node: ${perNode}`).toBeGreaterThan(1);

  // The tabs' own counters add up to the work the API handed out.
  await expect.poll(async () => (await Promise.all(tabs.map((t) => t.completed()))).reduce((a, b) => a + b, 0)).toBe(20);
});
