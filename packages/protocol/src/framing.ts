import { TabgridError } from './errors';
import { LIMITS } from './limits';

/**
 * Binary framing for node envelopes on a data channel or the relay socket.
 *   [0x00][utf-8 JSON]                                   a whole message
 *   [0x01][u32 messageId][u32 index][u32 count][bytes]   one chunk of a larger message
 * Big-endian integers. Chunks of one message arrive in order (channels are reliable and ordered).
 */

const WHOLE = 0;
const CHUNK = 1;
const CHUNK_HEADER = 13;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeFrames(message: unknown, nextMessageId: () => number, chunkBytes: number = LIMITS.chunkBytes): Uint8Array[] {
  const json = encoder.encode(JSON.stringify(message));
  if (json.byteLength > LIMITS.maxMessageBytes) {
    throw new TabgridError('payload_too_large', `message of ${json.byteLength} bytes exceeds ${LIMITS.maxMessageBytes}`);
  }
  if (json.byteLength + 1 <= chunkBytes) {
    const frame = new Uint8Array(json.byteLength + 1);
    frame[0] = WHOLE;
    frame.set(json, 1);
    return [frame];
  }
  const body = chunkBytes - CHUNK_HEADER;
  const count = Math.ceil(json.byteLength / body);
  const id = nextMessageId() >>> 0;
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const slice = json.subarray(index * body, (index + 1) * body);
    const frame = new Uint8Array(CHUNK_HEADER + slice.byteLength);
    const view = new DataView(frame.buffer);
    view.setUint8(0, CHUNK);
    view.setUint32(1, id);
    view.setUint32(5, index);
    view.setUint32(9, count);
    frame.set(slice, CHUNK_HEADER);
    frames.push(frame);
  }
  return frames;
}

interface Partial {
  count: number;
  next: number;
  bytes: number;
  parts: Uint8Array[];
}

/** Reassembles frames; returns the parsed JSON value of each complete message. Bounded in size and count. */
export class FrameDecoder {
  private readonly partials = new Map<number, Partial>();

  constructor(private readonly maxPartials = 16) {}

  /** Returns the decoded JSON value, or undefined while a chunked message is incomplete. Throws TabgridError on bad frames. */
  push(frame: Uint8Array): { value: unknown } | undefined {
    if (frame.byteLength < 1) throw new TabgridError('bad_request', 'empty frame');
    if (frame[0] === WHOLE) return { value: this.decodeJson(frame.subarray(1)) };
    if (frame[0] !== CHUNK || frame.byteLength < CHUNK_HEADER) throw new TabgridError('bad_request', 'unknown frame kind');
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const id = view.getUint32(1);
    const index = view.getUint32(5);
    const count = view.getUint32(9);
    if (count < 2 || count > Math.ceil(LIMITS.maxMessageBytes / 1024)) throw new TabgridError('bad_request', 'bad chunk count');
    let partial = this.partials.get(id);
    if (!partial) {
      if (index !== 0) throw new TabgridError('bad_request', `chunk ${index} of unknown message ${id}`);
      if (this.partials.size >= this.maxPartials) throw new TabgridError('payload_too_large', 'too many messages in flight');
      partial = { count, next: 0, bytes: 0, parts: [] };
      this.partials.set(id, partial);
    }
    if (index !== partial.next || count !== partial.count) {
      this.partials.delete(id);
      throw new TabgridError('bad_request', `chunk out of order for message ${id}`);
    }
    const body = frame.subarray(CHUNK_HEADER);
    partial.bytes += body.byteLength;
    if (partial.bytes > LIMITS.maxMessageBytes) {
      this.partials.delete(id);
      throw new TabgridError('payload_too_large', 'reassembled message too large');
    }
    partial.parts.push(body.slice());
    partial.next++;
    if (partial.next < partial.count) return undefined;
    this.partials.delete(id);
    const whole = new Uint8Array(partial.bytes);
    let offset = 0;
    for (const part of partial.parts) {
      whole.set(part, offset);
      offset += part.byteLength;
    }
    return { value: this.decodeJson(whole) };
  }

  private decodeJson(bytes: Uint8Array): unknown {
    try {
      return JSON.parse(decoder.decode(bytes)) as unknown;
    } catch {
      throw new TabgridError('bad_request', 'frame is not UTF-8 JSON');
    }
  }
}
