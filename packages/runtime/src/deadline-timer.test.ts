import { expect, it } from 'vitest';
import { DeadlineTimer } from './deadline-timer';
import { FakeTimers } from './pool-fakes';

it('keeps an earlier timer when the deadline moves later, and fires at the new deadline once re-armed', () => {
  const timers = new FakeTimers();
  const fired: number[] = [];
  const deadline = new DeadlineTimer(timers, () => {
    fired.push(timers.now());
    if (timers.now() < 900) deadline.arm(900);
  });
  deadline.arm(500);
  timers.advance(100);
  deadline.arm(900);
  expect(timers.pending).toBe(1);
  timers.advance(1_000);
  expect(fired).toEqual([500, 900]);
  expect(timers.pending).toBe(0);
});

it('replaces a later timer when the deadline moves earlier', () => {
  const timers = new FakeTimers();
  const fired: number[] = [];
  const deadline = new DeadlineTimer(timers, () => fired.push(timers.now()));
  deadline.arm(900);
  deadline.arm(300);
  timers.advance(1_000);
  expect(fired).toEqual([300]);
});

it('fires a deadline already past on the next turn, and not at all once disarmed', () => {
  const timers = new FakeTimers();
  const fired: number[] = [];
  const deadline = new DeadlineTimer(timers, () => fired.push(timers.now()));
  timers.advance(50);
  deadline.arm(10);
  timers.advance(0);
  expect(fired).toEqual([50]);
  deadline.arm(100);
  deadline.disarm();
  timers.advance(1_000);
  expect(fired).toEqual([50]);
  expect(timers.pending).toBe(0);
});
