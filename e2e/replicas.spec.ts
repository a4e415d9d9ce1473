import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

test('replicas: 2 agree on two distinct tabs and the result is verified', async ({ grid, api }) => {
  const tabs = await grid.openVolunteers(3);
  const ids = await Promise.all(tabs.map((t) => t.nodeId()));
  await uploadExample(api, 'hello');

  const stdin = 'replicate me\n';
  const result = await api.invoke({ function: 'hello@e2e', stdin, replicas: 2 });
  expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: helloOutput(stdin), verified: true });
  expect(result.nodes).toHaveLength(2);
  expect(new Set(result.nodes).size).toBe(2);
  for (const node of result.nodes) expect(ids).toContain(node);
});
