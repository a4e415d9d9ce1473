import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, nodeById, test } from './fixtures/test';

test('a tab forced onto the WebSocket relay is shown as relayed and runs tasks', async ({ grid, api }) => {
  const [tab] = await grid.openVolunteers(1, { relay: true });
  const id = await tab!.nodeId();

  await expect(tab!.transport).toHaveText('relay');
  await expect.poll(async () => (await nodeById(api, id))?.transport).toBe('relay');

  const dashboard = await grid.openDashboard();
  await expect(dashboard.page.locator(`[data-testid="node-row"][data-node-id="${id}"]`)).toHaveAttribute('data-transport', 'relay');

  await uploadExample(api, 'hello');
  const stdin = 'relayed bytes: Hello!\n';
  const result = await api.invoke({ function: 'hello@e2e', stdin });
  expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: helloOutput(stdin), nodes: [id] });
  await expect(tab!.completedText).toHaveText('1');
});
