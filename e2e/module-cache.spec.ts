import { helloOutput, uploadExample } from './fixtures/functions';
import { expect, test } from './fixtures/test';

test('a tab downloads a module once and keeps it across a reload (IndexedDB)', async ({ grid, api, orchestrator }) => {
  // Nodes fetch the prepared module (a digest of its own), so count every download the server served.
  const downloads = async (): Promise<number> => {
    const res = await fetch(`${orchestrator.url}/v1/stats`, { headers: { Authorization: `Bearer ${orchestrator.apiKey}` } });
    return ((await res.json()) as { moduleDownloads: { total: number } }).moduleDownloads.total;
  };
  const [tab] = await grid.openVolunteers(1);
  const id = await tab!.nodeId();
  await uploadExample(api, 'hello', 'cache');
  const before = await downloads();

  for (const stdin of ['one', 'two', 'three']) {
    expect(await api.invoke({ function: 'hello@cache', stdin })).toMatchObject({ stdout: helloOutput(stdin), nodes: [id] });
  }
  expect(await downloads()).toBe(before + 1);

  await tab!.page.reload();
  await tab!.waitConnected();
  expect(await tab!.nodeId(), 'a reloaded tab keeps its node identity').toBe(id);
  expect(await api.invoke({ function: 'hello@cache', stdin: 'after reload' })).toMatchObject({
    stdout: helloOutput('after reload'),
    nodes: [id],
  });
  expect(await downloads(), 'the module came from IndexedDB, not the network').toBe(before + 1);
});
