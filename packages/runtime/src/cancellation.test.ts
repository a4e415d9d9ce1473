import { describe, expect, it } from 'vitest';
import { Cancellation, type CancelSignal } from './cancellation';

describe('Cancellation', () => {
  it('calls each listener once on the first abort and reports aborted', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    cancel.addEventListener('abort', () => calls.push('a'));
    cancel.addEventListener('abort', () => calls.push('b'));
    expect(cancel.aborted).toBe(false);
    cancel.abort();
    cancel.abort();
    expect(cancel.aborted).toBe(true);
    expect(calls).toEqual(['a', 'b']);
  });

  it('does not call a removed listener, a listener added after the abort, or one listener twice', () => {
    const cancel = new Cancellation();
    let removed = 0;
    let twice = 0;
    const remove = () => removed++;
    const add = () => twice++;
    cancel.addEventListener('abort', remove);
    cancel.removeEventListener('abort', remove);
    cancel.addEventListener('abort', add);
    cancel.addEventListener('abort', add);
    cancel.abort();
    let late = 0;
    cancel.addEventListener('abort', () => late++);
    expect([removed, twice, late]).toEqual([0, 1, 0]);
  });

  it('behaves as an AbortSignal does where the pool relies on it', () => {
    const controller = new AbortController();
    const cancel = new Cancellation();
    const signals: Array<[CancelSignal, () => void]> = [
      [controller.signal, () => controller.abort()],
      [cancel, () => cancel.abort()],
    ];
    const counts = signals.map(([signal, abort]) => {
      let called = 0;
      signal.addEventListener('abort', () => called++, { once: true });
      abort();
      abort();
      return [signal.aborted, called];
    });
    expect(counts).toEqual([
      [true, 1],
      [true, 1],
    ]);
  });
});
