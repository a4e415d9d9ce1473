import { wasi } from '@bjorn3/browser_wasi_shim';
import { FileFd, SinkFd, SourceFd } from './fds';
import type { FdTable } from './fd-table';
import { VIRTUAL_EPOCH_NS, type VirtualClock } from './virtual-clock';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
}

/**
 * poll_oneoff over any number of subscriptions. Files and stdio are always ready, so fd events
 * come back at once (with every clock already due); otherwise the virtual clock jumps to the
 * earliest deadline and every clock due by then fires. Nothing ever blocks or busy-waits.
 */
export function pollOneoff(table: FdTable, currentClock: () => VirtualClock) {
  return (inPtr: number, outPtr: number, count: number, neventsPtr: number): number => {
    const clock = currentClock();
    if (count >>> 0 === 0) return wasi.ERRNO_INVAL;
    const view = table.view;
    table.slice(inPtr, (count >>> 0) * SUBSCRIPTION_SIZE);
    table.slice(outPtr, (count >>> 0) * EVENT_SIZE);
    const ready: Event[] = [];
    const clocks: Array<{ userdata: bigint; deadline: bigint }> = [];
    for (let i = 0; i < count >>> 0; i++) {
      const at = (inPtr >>> 0) + i * SUBSCRIPTION_SIZE;
      const userdata = view.getBigUint64(at, true);
      const type = view.getUint8(at + 8);
      if (type === wasi.EVENTTYPE_CLOCK) {
        const id = view.getUint32(at + 16, true);
        const timeout = view.getBigUint64(at + 24, true);
        const absolute = (view.getUint16(at + 40, true) & wasi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
        if (id > wasi.CLOCKID_THREAD_CPUTIME_ID) {
          ready.push({ userdata, error: wasi.ERRNO_INVAL, type, nbytes: 0n });
          continue;
        }
        // Deadlines are kept on the monotonic scale; realtime differs by a constant.
        const offset = id === wasi.CLOCKID_REALTIME ? VIRTUAL_EPOCH_NS : 0n;
        clocks.push({ userdata, deadline: absolute ? timeout - offset : clock.monotonic() + timeout });
      } else if (type === wasi.EVENTTYPE_FD_READ || type === wasi.EVENTTYPE_FD_WRITE) {
        ready.push(fdEvent(table, userdata, type, view.getUint32(at + 16, true)));
      } else {
        return wasi.ERRNO_INVAL;
      }
    }
    if (ready.length === 0 && clocks.length > 0) {
      clock.advanceTo(clocks.reduce((min, sub) => (sub.deadline < min ? sub.deadline : min), clocks[0]?.deadline ?? 0n));
    }
    const now = clock.monotonic();
    for (const sub of clocks) {
      if (sub.deadline <= now) ready.push({ userdata: sub.userdata, error: 0, type: wasi.EVENTTYPE_CLOCK, nbytes: 0n });
    }
    const out = table.view;
    ready.forEach((event, index) => {
      const at = (outPtr >>> 0) + index * EVENT_SIZE;
      new Uint8Array(out.buffer, at, EVENT_SIZE).fill(0);
      out.setBigUint64(at, event.userdata, true);
      out.setUint16(at + 8, event.error, true);
      out.setUint8(at + 10, event.type);
      out.setBigUint64(at + 16, event.nbytes, true);
    });
    table.u32(neventsPtr, ready.length);
    return wasi.ERRNO_SUCCESS;
  };
}

function fdEvent(table: FdTable, userdata: bigint, type: number, fd: number): Event {
  const open = table.get(fd);
  const event = { userdata, error: 0, type, nbytes: 0n };
  const reading = type === wasi.EVENTTYPE_FD_READ;
  if (open instanceof FileFd && open.has(reading ? wasi.RIGHTS_FD_READ : wasi.RIGHTS_FD_WRITE)) {
    if (reading) event.nbytes = open.node.size > open.position ? open.node.size - open.position : 0n;
  } else if (open instanceof SourceFd && reading) {
    event.nbytes = BigInt(open.bytes.length - open.offset);
  } else if (!(open instanceof SinkFd && !reading)) {
    event.error = wasi.ERRNO_BADF;
  }
  return event;
}
