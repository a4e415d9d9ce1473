import { TabgridApiError } from '@tabgrid/client';
import { expect, test } from './fixtures/test';

async function apiError(call: Promise<unknown>): Promise<TabgridApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TabgridApiError) return error;
    throw error;
  }
  throw new Error('expected the API to answer with an error');
}

test('bad requests get typed errors and the server stays healthy', async ({ api, anonymousApi, orchestrator }) => {
  await test.step('garbage upload → 400 invalid_wasm', async () => {
    const error = await apiError(api.uploadFunction('garbage', '1', new TextEncoder().encode('this is not wasm')));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'invalid_wasm' });
    expect((await api.listFunctions()).some((f) => f.name === 'garbage')).toBe(false);
  });

  await test.step('no key → 401 unauthorized', async () => {
    for (const call of [anonymousApi.listFunctions(), anonymousApi.invoke({ function: 'hello' })]) {
      const error = await apiError(call);
      expect({ status: error.status, code: error.code }).toEqual({ status: 401, code: 'unauthorized' });
    }
  });

  await test.step('unknown function → 404 not_found', async () => {
    const error = await apiError(api.invoke({ function: 'no-such-function' }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 404, code: 'not_found' });
  });

  await test.step('malformed JSON → 400 with an error body', async () => {
    const res = await fetch(`${orchestrator.url}/v1/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${orchestrator.apiKey}`, 'content-type': 'application/json' },
      body: '{"function": "hello", ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(body.error?.code).toBe('invalid_json');
    expect(typeof body.error?.message).toBe('string');
  });

  await test.step('the server is still healthy', async () => {
    expect(await api.health()).toEqual({ ok: true });
    expect(Array.isArray(await anonymousApi.listNodes())).toBe(true);
  });
});
