import { describe, expect, it } from 'vitest';
import { TabgridError } from './errors';
import { encodeFrames, FrameDecoder } from './framing';
import { OutboundQueue, type FrameSink } from './backpressure';

function counter(): () => number {
  let n = 0;
  return () => ++n;
}

function decodeAll(frames: Uint8Array[], decoder = new FrameDecoder()): unknown[] {
  const out: unknown[] = [];
  for (const f of frames) {
    const r = decoder.push(f);
    if (r) out.push(r.value);
  }
  return out;
}

describe('framing', () => {
  it('sends small messages as one frame', () => {
    const frames = encodeFrames({ type: 'heartbeat', running: 1 }, counter());
    expect(frames).toHaveLength(1);
    expect(decodeAll(frames)).toEqual([{ type: 'heartbeat', running: 1 }]);
  });

  it('chunks messages over 16 KiB and reassembles them, multi-byte text included', () => {
    const text = 'żółw🐢'.repeat(20_000);
    const frames = encodeFrames({ text }, counter());
    expect(frames.length).toBeGreaterThan(5);
    for (const f of frames) expect(f.byteLength).toBeLessThanOrEqual(16 * 1024);
    expect(decodeAll(frames)).toEqual([{ text }]);
  });

  it('interleaved chunked messages from one sender decode independently', () => {
    const next = counter();
    const a = encodeFrames({ a: 'x'.repeat(40_000) }, next);
    const b = encodeFrames({ b: 'y'.repeat(40_000) }, next);
    const mixed: Uint8Array[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) mixed.push(a[i]!);
      if (b[i]) mixed.push(b[i]!);
    }
    expect(decodeAll(mixed)).toEqual([{ a: 'x'.repeat(40_000) }, { b: 'y'.repeat(40_000) }]);
  });

  it('rejects garbage frames with typed errors', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(new Uint8Array())).toThrow(TabgridError);
    expect(() => decoder.push(new Uint8Array([7, 1, 2]))).toThrow(/unknown frame kind/);
    expect(() => decoder.push(new Uint8Array([0, 0xff, 0xfe]))).toThrow(/not UTF-8 JSON/);
    const frames = encodeFrames({ t: 'z'.repeat(50_000) }, counter());
    expect(() => decoder.push(frames[1]!)).toThrow(/unknown message/);
  });

  it('bounds the number of partial messages', () => {
    const decoder = new FrameDecoder(2);
    const next = counter();
    for (let i = 0; i < 2; i++) decoder.push(encodeFrames({ t: 'q'.repeat(30_000) }, next)[0]!);
    expect(() => decoder.push(encodeFrames({ t: 'q'.repeat(30_000) }, next)[0]!)).toThrow(/too many/);
  });
});

describe('OutboundQueue', () => {
  it('holds frames while the sink is above its high-water mark and resumes on drain', () => {
    let buffered = 0;
    let drain: (() => void) | undefined;
    const sent: number[] = [];
    const sink: FrameSink = {
      send: (f) => {
        sent.push(f.byteLength);
        buffered += f.byteLength;
      },
      bufferedAmount: () => buffered,
      waitForDrain: (cb) => {
        drain = cb;
        return () => (drain = undefined);
      },
    };
    const queue = new OutboundQueue(sink, 100);
    queue.enqueue([new Uint8Array(60), new Uint8Array(60), new Uint8Array(60)]);
    expect(sent).toEqual([60, 60]);
    expect(queue.queuedFrames).toBe(1);
    buffered = 0;
    drain?.();
    expect(sent).toEqual([60, 60, 60]);
    expect(queue.queuedFrames).toBe(0);
  });
});
