import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base64, uploadExample, wasmPath } from './fixtures/functions';
import { expect, listNodeIds, test } from './fixtures/test';

const INSPECT_ARGS = [
  'hello',
  '--read',
  '/input/a.txt',
  '--read',
  'input/missing.txt',
  '--write',
  '/output/out.txt',
  'written text',
  '--read',
  '/output/out.txt',
  '--exit',
  '3',
];

// The README's worked example (public/functions/README.md, "inspect"), argv[0] being the function name.
const INSPECT_STDOUT = [
  'arg[0]=inspect',
  ...INSPECT_ARGS.map((arg, i) => `arg[${i + 1}]=${arg}`),
  'env ALPHA=1',
  'env MID=x=y',
  'env ZED=last',
  'file /input/a.txt: contents of a',
  'file input/missing.txt: error No such file or directory',
  'wrote /output/out.txt: 12 bytes',
  'file /output/out.txt: written text',
].join('\n');

test('three volunteer tabs and a dashboard: join, upload, invoke, leave', async ({ grid, api }) => {
  const tabs = await grid.openVolunteers(3);
  const ids = await Promise.all(tabs.map((t) => t.nodeId()));
  expect(new Set(ids).size, `distinct node ids: ${ids.join(', ')}`).toBe(3);

  const dashboard = await grid.openDashboard();

  await test.step('every tab is a node, in the API and on the dashboard', async () => {
    await expect.poll(() => listNodeIds(api)).toEqual([...ids].sort());
    await expect.poll(() => dashboard.nodeTableIds()).toEqual([...ids].sort());
  });

  await test.step('tabs are cross-origin isolated, so their workers can share memory with the page', async () => {
    for (const tab of tabs) expect(await tab.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  });

  await test.step('tabs reach the orchestrator over WebRTC, not the relay', async () => {
    const nodes = await api.listNodes();
    const direct = nodes.filter((n) => n.transport === 'webrtc');
    test.info().annotations.push({ type: 'transports', description: nodes.map((n) => `${n.id}=${n.transport}`).join(', ') });
    expect(direct.length, `transports: ${nodes.map((n) => `${n.id}=${n.transport}`).join(', ')}`).toBeGreaterThanOrEqual(1);
    // Each tab's own badge agrees with what the server says about it.
    for (const tab of tabs) {
      const id = await tab.nodeId();
      const server = nodes.find((n) => n.id === id);
      await expect(tab.transport).toHaveText(server?.transport ?? 'missing');
    }
    const rows = await dashboard.nodeTable();
    expect(rows.filter((r) => r.transport === 'webrtc').length).toBeGreaterThanOrEqual(1);
  });

  await test.step('upload hello.wasm through the dashboard; it is listed with its digest', async () => {
    await dashboard.upload(wasmPath('hello'), 'hello', 'ui');
    const digest = `sha256:${createHash('sha256').update(readFileSync(wasmPath('hello'))).digest('hex')}`;
    const listed = (await api.listFunctions()).find((f) => f.name === 'hello' && f.version === 'ui');
    expect(listed?.digest).toBe(digest);
    // The table shows a short digest and keeps the full one in the cell's title.
    const row = dashboard.functionRow('hello', 'ui');
    await expect(row.locator(`[title="${digest}"]`)).toContainText(digest.slice(0, 'sha256:'.length + 12));
  });

  await test.step('invoke hello through the dashboard', async () => {
    const result = await dashboard.invoke({ functionRef: 'hello@ui', stdin: 'Hello, Tabgrid!\n' });
    expect(result.status).toBe('ok');
    expect(result.exitCode).toBe('0');
    expect(result.stdout).toBe('HELLO, TABGRID!\n');
    expect(result.nodes).toHaveLength(1);
    expect(ids).toContain(result.nodes[0]);
  });

  await test.step('invoke primes and inspect through the API', async () => {
    await uploadExample(api, 'primes');
    await uploadExample(api, 'inspect');

    const primes = await api.invoke({ function: 'primes@e2e', args: ['100'] });
    expect(primes).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'primes<=100: 25, largest: 97\n', stderr: '' });
    expect(ids).toContain(primes.nodes[0]);

    const inspect = await api.invoke({
      function: 'inspect@e2e',
      args: INSPECT_ARGS,
      env: { ZED: 'last', ALPHA: '1', MID: 'x=y' },
      files: { '/input/a.txt': base64('contents of a\n') },
    });
    expect(inspect.stdout).toBe(`${INSPECT_STDOUT}\n`);
    expect(inspect.stderr).toBe('inspect done\n');
    // The runtime's rule: status is 'ok' iff the guest exited 0, so `--exit 3` is an 'error' with code 3.
    expect(inspect).toMatchObject({ status: 'error', exitCode: 3 });
  });

  await test.step('closing a tab takes its node off the network', async () => {
    const [leaving, ...staying] = tabs;
    const leavingId = await leaving!.nodeId();
    await leaving!.close();
    const remaining = ids.filter((id) => id !== leavingId).sort();
    await expect.poll(() => listNodeIds(api), { timeout: 20_000 }).toEqual(remaining);
    await expect.poll(() => dashboard.nodeTableIds(), { timeout: 20_000 }).toEqual(remaining);
    for (const tab of staying) await expect(tab.phase).toHaveText('connected');
  });
});
