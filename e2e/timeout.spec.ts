import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

test('a runaway task times out and the same tab keeps serving', async ({ grid, api }) => {
  const [tab] = await grid.openVolunteers(1);
  const id = await tab!.nodeId();
  await uploadExample(api, 'spin');
  await uploadExample(api, 'hello');

  const started = Date.now();
  const spun = await api.invoke({ function: 'spin@e2e', timeoutMs: 1000 });
  const elapsed = Date.now() - started;
  expect(spun.status).toBe('timeout');
  expect(spun.nodes).toEqual([id]);
  expect(elapsed, 'a 1 s timeout is reported within a few seconds').toBeLessThan(5_000);

  const stdin = 'still alive?\n';
  const hello = await api.invoke({ function: 'hello@e2e', stdin });
  expect(hello).toMatchObject({ status: 'ok', exitCode: 0, stdout: helloOutput(stdin), nodes: [id] });
  await expect(tab!.phase).toHaveText('connected');
});
