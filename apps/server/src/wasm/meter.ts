// Fuel metering of one function body, spliced into the original bytecode.
//
// Cost model: every executed instruction costs 1, except the structural markers `block`, `loop`,
// `else` and `end`, which cost 0. Code is cut into segments (straight-line runs) that start at the
// function entry, after `loop`, `if`, `else`, `end`, `br_if`, and after every call. A segment is
// entered only at its start and, once entered, runs to its end unless something traps, so charging
// its whole cost when it is entered counts exactly the instructions executed (a call ends its
// segment so that a callee that exits — `proc_exit` — leaves an exact count behind).
//
// Strategies (identical counts; they differ in where the count lives and where it is checked):
// - `global`: every segment subtracts its cost from the exported global and traps if it went
//   negative. Simple, and the global is exact even after an unrelated trap; the slow baseline.
// - `local`: the count lives in a local of each function (a register in practice). The local is
//   loaded from the global on entry and after calls, and written back ("flushed") before calls,
//   returns, and `unreachable`. Only function entries, loop headers, returns and calls that may
//   reach the host check for a negative count: every cycle in the control flow passes a loop
//   header or a function entry and costs at least 1 (the branch), so a run cannot go on without
//   fuel, and a negative count is always flushed to the global right before the fuel trap.
//   Invariant seen by the host: the global is negative only after a fuel trap. After another
//   trap (out-of-bounds, division by zero) it holds the count as of the last call or return.
import { Reader, Writer, malformed } from './binary';
import { type Instruction, readInstruction } from './instructions';

export type MeterStrategy = 'global' | 'local';

export interface MeterContext {
  strategy: MeterStrategy;
  /** Index of the fuel global. */
  fuelGlobal: number;
  /** Function indices below this are imports (host calls). */
  importedFunctions: number;
}

export interface MeteredBody {
  body: Uint8Array;
  /** Segments that got a charge (live code with a non-zero cost, plus loop headers). */
  charges: number;
}

type Patch =
  | { op: 'entry' | 'charge' | 'chargeCheck'; segment: number }
  | { op: 'flush' | 'flushCheck' | 'reload' };

const I64_SUB = 0x7d;
const I64_LT_S = 0x53;

/** Rewrites one code-section entry (locals + expression) of a function with `params` parameters. */
export function meterFunction(body: Uint8Array, params: number, ctx: MeterContext): MeteredBody {
  const r = new Reader(body);
  const groups = r.u32();
  const groupsStart = r.pos;
  let locals = params;
  for (let i = 0; i < groups; i++) {
    locals += r.u32();
    r.byte();
  }
  const groupsBytes = body.subarray(groupsStart, r.pos);
  const exprStart = r.pos;
  const fuelLocal = locals;

  const instructions: Instruction[] = [];
  while (!r.done) instructions.push(readInstruction(r));
  const { patches, costs } = plan(instructions, ctx);

  const w = new Writer();
  if (ctx.strategy === 'local') w.u32(groups + 1).raw(groupsBytes).u32(1).byte(0x7e);
  else w.u32(groups).raw(groupsBytes);
  const emit = new Emitter(w, ctx.fuelGlobal, fuelLocal, ctx.strategy);
  let charges = 0;
  let copied = exprStart;
  for (let i = 0; i <= instructions.length; i++) {
    const list = patches.get(i);
    if (list === undefined) continue;
    const at = i < instructions.length ? instructions[i]!.start : body.byteLength;
    w.raw(body.subarray(copied, at));
    copied = at;
    for (const p of list) {
      if ('segment' in p) {
        const cost = costs[p.segment]!;
        if (cost === 0 && p.op === 'charge') continue;
        charges++;
        emit[p.op](cost);
      } else {
        emit[p.op]();
      }
    }
  }
  w.raw(body.subarray(copied));
  return { body: w.finish(), charges };
}

interface Frame {
  kind: 'function' | 'block' | 'loop' | 'if';
  /** The segment that was running when the construct began (DEAD if none). */
  before: number;
  /** Some branch targets this construct's label. */
  targeted: boolean;
  /** Control may leave the construct other than through its `end`, or a call (an observation point) is inside. */
  escapes: boolean;
}

const DEAD = -1;

/**
 * Decides where charges, checks, flushes and reloads go, and what each segment costs.
 *
 * Fewer charges, same counts: the code after an `end` does not always need a charge of its own.
 * - After a loop's `end`, and after a block no branch targets, control only falls through: the code
 *   continues the segment that reached the `end`.
 * - After a block, `if` or loop that control cannot leave except through its `end` and that
 *   contains no call: the code after it runs exactly once each time the code before it runs, so
 *   its cost is added to the segment before the construct (no call means nothing observes the
 *   count in between; a fuel trap inside may come earlier, but the total is the same).
 */
function plan(instructions: readonly Instruction[], ctx: MeterContext): { patches: Map<number, Patch[]>; costs: number[] } {
  const patches = new Map<number, Patch[]>();
  const add = (at: number, p: Patch) => {
    const list = patches.get(at);
    if (list) list.push(p);
    else patches.set(at, [p]);
  };
  const costs: number[] = [];
  const open = (at: number, op: 'entry' | 'charge' | 'chargeCheck'): number => {
    costs.push(0);
    add(at, { op, segment: costs.length - 1 });
    return costs.length - 1;
  };
  const escapeAll = () => {
    for (const f of frames) f.escapes = true;
  };

  let segment = open(0, 'entry');
  const frames: Frame[] = [{ kind: 'function', before: DEAD, targeted: false, escapes: false }];
  const last = instructions.length - 1;
  for (let i = 0; i <= last; i++) {
    const ins = instructions[i]!;
    const countsOne = ins.kind !== 'block' && ins.kind !== 'loop' && ins.kind !== 'else' && ins.kind !== 'end';
    if (countsOne && segment !== DEAD) costs[segment]!++;
    let returnsFromFunction = false;
    for (const depth of ins.targets !== undefined && ins.kind.startsWith('br') ? ins.targets : []) {
      const target = frames.length - 1 - depth;
      if (target < 0) throw malformed(`branch depth ${depth} out of range`);
      frames[target]!.targeted = true;
      for (let j = target + 1; j < frames.length; j++) frames[j]!.escapes = true;
      if (target === 0) returnsFromFunction = true;
    }
    switch (ins.kind) {
      case 'plain':
        break;
      case 'block':
        frames.push({ kind: 'block', before: segment, targeted: false, escapes: false });
        break;
      case 'loop':
        frames.push({ kind: 'loop', before: segment, targeted: false, escapes: false });
        segment = open(i + 1, 'chargeCheck');
        break;
      case 'if':
        frames.push({ kind: 'if', before: segment, targeted: false, escapes: false });
        segment = open(i + 1, 'charge');
        break;
      case 'else':
        segment = open(i + 1, 'charge');
        break;
      case 'end': {
        const frame = frames.pop()!;
        if (frame.kind === 'function') {
          if (i !== last) throw malformed('code after the end of a function body');
          add(i, { op: 'flushCheck' });
        } else if (!frame.escapes && frame.before !== DEAD) {
          segment = frame.before;
        } else if (frame.kind === 'loop' || (frame.kind === 'block' && !frame.targeted)) {
          // falls through only: `segment` continues
        } else {
          segment = open(i + 1, 'charge');
        }
        break;
      }
      case 'br_if':
        if (returnsFromFunction) add(i, { op: 'flushCheck' });
        segment = open(i + 1, 'charge');
        break;
      case 'br':
      case 'br_table':
        if (returnsFromFunction) add(i, { op: 'flushCheck' });
        segment = DEAD;
        break;
      case 'return':
        escapeAll();
        add(i, { op: 'flushCheck' });
        segment = DEAD;
        break;
      case 'unreachable':
        escapeAll();
        add(i, { op: 'flush' });
        segment = DEAD;
        break;
      case 'call':
      case 'call_indirect': {
        escapeAll();
        // A table may hold imports, so an indirect call may reach the host: check before it.
        const host = ins.kind === 'call_indirect' || ins.targets![0]! < ctx.importedFunctions;
        add(i, { op: host ? 'flushCheck' : 'flush' });
        add(i + 1, { op: 'reload' });
        segment = open(i + 1, 'charge');
        break;
      }
      case 'return_call':
      case 'return_call_indirect': {
        escapeAll();
        const host = ins.kind === 'return_call_indirect' || ins.targets![0]! < ctx.importedFunctions;
        add(i, { op: host ? 'flushCheck' : 'flush' });
        segment = DEAD;
        break;
      }
    }
  }
  if (frames.length !== 0) throw malformed('a function body ends inside a block');
  return { patches, costs };
}

class Emitter {
  constructor(
    private readonly w: Writer,
    private readonly g: number,
    private readonly f: number,
    private readonly strategy: MeterStrategy,
  ) {}

  entry(cost: number): void {
    if (this.strategy === 'global') return this.chargeCheck(cost);
    // global.get G; i64.const cost; i64.sub; local.tee F; then the check
    this.w.byte(0x23).u32(this.g).byte(0x42).s64(BigInt(cost)).byte(I64_SUB).byte(0x22).u32(this.f);
    this.trapIfNegativeOnStack(true);
  }

  charge(cost: number): void {
    if (this.strategy === 'global') return this.chargeCheck(cost);
    this.w.byte(0x20).u32(this.f).byte(0x42).s64(BigInt(cost)).byte(I64_SUB).byte(0x21).u32(this.f);
  }

  chargeCheck(cost: number): void {
    if (this.strategy === 'global') {
      // global.get G; i64.const cost; i64.sub; global.set G; global.get G; then the check
      this.w.byte(0x23).u32(this.g).byte(0x42).s64(BigInt(cost)).byte(I64_SUB).byte(0x24).u32(this.g);
      this.w.byte(0x23).u32(this.g);
      this.trapIfNegativeOnStack(false);
      return;
    }
    this.w.byte(0x20).u32(this.f);
    if (cost !== 0) this.w.byte(0x42).s64(BigInt(cost)).byte(I64_SUB).byte(0x22).u32(this.f);
    this.trapIfNegativeOnStack(true);
  }

  flush(): void {
    if (this.strategy === 'local') this.w.byte(0x20).u32(this.f).byte(0x24).u32(this.g);
  }

  flushCheck(): void {
    if (this.strategy === 'global') return;
    this.flush();
    this.w.byte(0x20).u32(this.f);
    this.trapIfNegativeOnStack(false);
  }

  reload(): void {
    if (this.strategy === 'local') this.w.byte(0x23).u32(this.g).byte(0x21).u32(this.f);
  }

  /** Consumes the i64 on the stack: `if (value < 0) { [flush]; unreachable }`. */
  private trapIfNegativeOnStack(flushFirst: boolean): void {
    this.w.byte(0x42).byte(0x00).byte(I64_LT_S).byte(0x04).byte(0x40);
    if (flushFirst) this.w.byte(0x20).u32(this.f).byte(0x24).u32(this.g);
    this.w.byte(0x00).byte(0x0b);
  }
}
