// The worker's side of batches, over a real in-process MessageChannel.
import { afterEach, describe, expect, it } from 'vitest';
import { serveBatches, type BatchPort, type BatchRunner } from './batch-server';
import type { PreparedModule } from './execute';
import { createProgressBuffer, progressCells, readProgress } from './progress-cell';
import { createBatchRunner } from './runtime-worker';
import { fromWat, printWat, task } from './test-modules';
import type { ModuleRef, TaskOutcome } from './types';
import { parseWorkerToHost, type HostToWorker, type WorkerToHost } from './worker-messages';

const CAP = 1024 * 1024;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** A worker serving batches; `send` returns every message it answers with until `until` says enough. */
function serve(progress: BigInt64Array | null, flushMs?: number) {
  const channel = new MessageChannel();
  channels.push(channel);
  serveBatches(createBatchRunner(), channel.port2, progress, flushMs);
  const received: WorkerToHost[] = [];
  let wake = (): void => {};
  channel.port1.addEventListener('message', (event) => {
    const parsed = parseWorkerToHost(event.data);
    if (!parsed.ok) throw new Error(parsed.error);
    received.push(parsed.value);
    wake();
  });
  channel.port1.start();
  return {
    async send(message: HostToWorker, until: (messages: WorkerToHost[]) => boolean): Promise<WorkerToHost[]> {
      const from = received.length;
      channel.port1.postMessage(message);
      while (!until(received.slice(from))) await new Promise<void>((resolve) => (wake = resolve));
      return received.slice(from);
    },
  };
}

const answered = (count: number) => (messages: WorkerToHost[]): boolean =>
  messages.some((message) => message.type !== 'results') || messages.flatMap((message) => (message.type === 'results' ? message.results : [])).length >= count;

function batch(module: ModuleRef, tasks: unknown[], withBytes = true): HostToWorker {
  return {
    type: 'run',
    batch: 7,
    digest: module.digest,
    bytes: withBytes ? module.bytes : null,
    stdioCapBytes: CAP,
    outputFilesCapBytes: CAP,
    tasks: tasks.map((spec, at) => ({ seq: 100 + at, task: spec as HostToWorker['tasks'][number]['task'] })),
  };
}

describe('batch server', () => {
  it('answers every task at once when it cannot share its progress', async () => {
    const worker = serve(null);
    const messages = await worker.send(batch(printWat('hi'), [task(), task(), task()]), answered(3));
    expect(messages).toHaveLength(3);
    expect(messages.map((message) => message.type === 'results' && message.results.map((result) => result.seq))).toEqual([[100], [101], [102]]);
  });

  it('with a progress cell, holds results back for the flush interval and marks each task as it starts', async () => {
    const buffer = createProgressBuffer();
    if (buffer === null) throw new Error('Node shares memory');
    const cells = progressCells(buffer);
    const worker = serve(cells, 60_000);
    const messages = await worker.send(batch(printWat('hi'), Array.from({ length: 20 }, () => task())), answered(20));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.type === 'results' && message.results.map((result) => text(result.outcome.stdout))).toEqual(Array(20).fill('hi'));
    expect(message?.type === 'results' && message.moduleCached).toBe(true);
    expect(readProgress(cells)?.seq).toBe(119);
  });

  it('fails a malformed task alone and runs the rest', async () => {
    const worker = serve(null);
    const messages = await worker.send(batch(printWat('ok'), [task(), { args: 'nope' }, task()]), answered(3));
    const outcomes = messages.flatMap((message) => (message.type === 'results' ? message.results.map((result) => result.outcome) : []));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'error', 'ok']);
    expect(text(outcomes[1]?.stderr ?? new Uint8Array())).toMatch(/^bad run request: task.args/);
  });

  it('asks for the module bytes it lacks, then keeps the module', async () => {
    const worker = serve(null);
    const module = printWat('kept');
    expect(await worker.send(batch(module, [task()], false), answered(1))).toEqual([{ type: 'module_missing', batch: 7 }]);
    await worker.send(batch(module, [task()]), answered(1));
    const [again] = await worker.send(batch(module, [task()], false), answered(1));
    expect(again?.type === 'results' && text(again.results[0]?.outcome.stdout ?? new Uint8Array())).toBe('kept');
  });

  it('fails every task of an invalid module and says it kept nothing', async () => {
    const worker = serve(null);
    const broken = { digest: 'sha256:broken', bytes: new Uint8Array([0, 97, 115, 109, 9]) };
    const messages = await worker.send(batch(broken, [task(), task()]), answered(2));
    for (const message of messages) {
      expect(message).toMatchObject({ type: 'results', moduleCached: false });
      expect(message.type === 'results' && text(message.results[0]?.outcome.stderr ?? new Uint8Array())).toMatch(/^invalid module sha256:broken: CompileError/);
    }
  });

  it('refuses a batch whose envelope does not parse', async () => {
    const worker = serve(null);
    const messages = await worker.send({ ...batch(fromWat('(module)'), [task()]), tasks: [] }, (received) => received.length > 0);
    expect(messages).toEqual([{ type: 'refused', batch: 7, error: 'tasks must be an array of 1 to 64' }]);
  });
});

describe('batch server turns', () => {
  const done: TaskOutcome = { status: 'ok', exitCode: 0, stdout: new Uint8Array(), stderr: new Uint8Array(), truncated: false, durationMs: 0, fuelUsed: 0 };

  /** Messages delivered by hand to a runner that logs what it is asked, in order. */
  function handDriven() {
    const log: string[] = [];
    let deliver = (_data: unknown): void => {};
    const port: BatchPort = {
      postMessage: (message) => log.push(message.type === 'results' ? `post ${message.results.map((result) => result.seq).join(',')}` : message.type),
      addEventListener: (_type, listener) => (deliver = (data) => listener({ data } as MessageEvent)),
    };
    const runner: BatchRunner = {
      cached: () => ({}) as PreparedModule,
      moduleFor: () => Promise.reject(new Error('the module is cached')),
      execute: (_prepared, spec) => {
        log.push(`run ${spec.args.join(' ')}`);
        return Promise.resolve(done);
      },
      tidy: () => log.push('tidy'),
    };
    serveBatches(runner, port, null);
    const envelope = (id: number, name: string): HostToWorker => ({ ...batch(fromWat('(module)'), [task({ args: [name] })]), batch: id, tasks: [{ seq: id, task: task({ args: [name] }) }] });
    return { log, send: (id: number, name: string) => deliver(envelope(id, name)) };
  }

  it('starts a warm task in the turn its batch arrives', () => {
    const { log, send } = handDriven();
    send(1, 'a');
    expect(log).toEqual(['run a']);
  });

  it('sends results before tidying up, and serves batches one after another', async () => {
    const { log, send } = handDriven();
    send(1, 'a');
    send(2, 'b');
    await expect.poll(() => log).toEqual(['run a', 'post 1', 'tidy', 'run b', 'post 2', 'tidy']);
  });
});
