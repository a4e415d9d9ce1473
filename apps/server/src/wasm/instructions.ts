// Decodes one instruction of a function body: what kind of control flow it is and where it ends.
// Only the control-flow kinds matter to metering; everything else is `plain` and copied verbatim.
import { TabgridError } from '@tabgrid/protocol';
import { type Reader, malformed } from './binary';

export type InstructionKind =
  | 'plain'
  | 'unreachable'
  | 'block'
  | 'loop'
  | 'if'
  | 'else'
  | 'end'
  | 'br'
  | 'br_if'
  | 'br_table'
  | 'return'
  | 'call'
  | 'call_indirect'
  | 'return_call'
  | 'return_call_indirect';

export interface Instruction {
  kind: InstructionKind;
  start: number;
  end: number;
  /** br/br_if: the label depth; br_table: every depth (default last); call/return_call: the function index. */
  targets?: number[];
}

function unsupported(feature: string, op: string): TabgridError {
  return new TabgridError('invalid_wasm', `the module uses ${feature} (${op}), which Tabgrid does not run`);
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function blockType(r: Reader): void {
  const b = r.bytes[r.pos];
  if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.pos++;
    return;
  }
  if (b !== undefined && b >= 0x60 && b < 0x80) throw unsupported('GC reference types', `block type ${hex(b)}`);
  r.skipLeb(); // s33 type index (multi-value)
}

/** memarg: alignment (bit 6 set ⇒ an explicit memory index follows) and offset. */
function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) {
    if (r.u32() !== 0) throw unsupported('multiple memories', 'memory index in a load/store');
  }
  r.skipLeb();
}

function memoryIndexZero(r: Reader, op: string): void {
  if (r.u32() !== 0) throw unsupported('multiple memories', op);
}

function miscPrefix(r: Reader): void {
  const sub = r.u32();
  if (sub <= 7) return; // saturating truncations
  switch (sub) {
    case 8: // memory.init data, mem
      r.u32();
      memoryIndexZero(r, 'memory.init');
      return;
    case 9: // data.drop
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32();
      return;
    case 10: // memory.copy dst, src
      memoryIndexZero(r, 'memory.copy');
      memoryIndexZero(r, 'memory.copy');
      return;
    case 11:
      memoryIndexZero(r, 'memory.fill');
      return;
    case 12: // table.init elem, table
    case 14: // table.copy dst, src
      r.u32();
      r.u32();
      return;
    default:
      throw unsupported('an unknown 0xfc instruction', `0xfc ${sub}`);
  }
}

function simdPrefix(r: Reader): void {
  const sub = r.u32();
  if (sub <= 11 || sub === 92 || sub === 93) return memarg(r); // loads, stores, load_zero
  if (sub === 12 || sub === 13) return r.skip(16); // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) return r.skip(1); // extract/replace lane
  if (sub >= 84 && sub <= 91) {
    memarg(r);
    r.skip(1); // load/store lane
    return;
  }
  if (sub <= 0x113) return; // the rest of SIMD and relaxed SIMD take no immediates
  throw unsupported('an unknown SIMD instruction', `0xfd ${sub}`);
}

/** Reads one instruction at `r.pos` and leaves `r.pos` after it. */
export function readInstruction(r: Reader): Instruction {
  const start = r.pos;
  const op = r.byte();
  let kind: InstructionKind = 'plain';
  let targets: number[] | undefined;
  switch (op) {
    case 0x00:
      kind = 'unreachable';
      break;
    case 0x01: // nop
      break;
    case 0x02:
    case 0x03:
    case 0x04:
      kind = op === 0x02 ? 'block' : op === 0x03 ? 'loop' : 'if';
      blockType(r);
      break;
    case 0x05:
      kind = 'else';
      break;
    case 0x0b:
      kind = 'end';
      break;
    case 0x0c:
    case 0x0d:
      kind = op === 0x0c ? 'br' : 'br_if';
      targets = [r.u32()];
      break;
    case 0x0e: {
      kind = 'br_table';
      const n = r.u32();
      targets = [];
      for (let i = 0; i <= n; i++) targets.push(r.u32());
      break;
    }
    case 0x0f:
      kind = 'return';
      break;
    case 0x10:
    case 0x12:
      kind = op === 0x10 ? 'call' : 'return_call';
      targets = [r.u32()];
      break;
    case 0x11:
    case 0x13:
      kind = op === 0x11 ? 'call_indirect' : 'return_call_indirect';
      r.u32();
      r.u32();
      break;
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x18:
    case 0x19:
    case 0x1f:
      throw unsupported('exception handling', hex(op));
    case 0x14:
    case 0x15:
    case 0xd3:
    case 0xd4:
    case 0xd5:
    case 0xd6:
      throw unsupported('typed function references', hex(op));
    case 0x1a: // drop
    case 0x1b: // select
      break;
    case 0x1c: {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const t = r.byte();
        if (t >= 0x60 && t < 0x70 && t !== 0x6f) throw unsupported('GC reference types', `select type ${hex(t)}`);
      }
      break;
    }
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
      r.u32();
      break;
    case 0x3f:
      memoryIndexZero(r, 'memory.size');
      break;
    case 0x40:
      memoryIndexZero(r, 'memory.grow');
      break;
    case 0x41:
    case 0x42:
      r.skipLeb();
      break;
    case 0x43:
      r.skip(4);
      break;
    case 0x44:
      r.skip(8);
      break;
    case 0xd0: {
      const t = r.byte();
      if (t !== 0x70 && t !== 0x6f) throw unsupported('GC reference types', `ref.null ${hex(t)}`);
      break;
    }
    case 0xd1: // ref.is_null
      break;
    case 0xd2: // ref.func
      r.u32();
      break;
    case 0xfc:
      miscPrefix(r);
      break;
    case 0xfd:
      simdPrefix(r);
      break;
    case 0xfe:
      throw unsupported('threads (atomics)', '0xfe');
    case 0xfb:
      throw unsupported('garbage collection', '0xfb');
    default:
      if (op >= 0x28 && op <= 0x3e) memarg(r);
      else if (op >= 0x45 && op <= 0xc4) break; // numeric, conversions, sign extension
      else throw malformed(`unknown opcode ${hex(op)} at byte ${start}`);
  }
  return targets === undefined ? { kind, start, end: r.pos } : { kind, start, end: r.pos, targets };
}
