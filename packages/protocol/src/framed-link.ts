import { OutboundQueue, type FrameSink } from './backpressure';
import { TabgridError } from './errors';
import { encodeFrames, FrameDecoder } from './framing';

/** A typed, framed, back-pressured message link over any frame channel (data channel or relay socket). */
export interface Link<Out> {
  send(message: Out): void;
  close(reason: string): void;
}

export interface FramedLinkHandlers<In> {
  onMessage(message: In): void;
  onClose(reason: string): void;
}

/**
 * The owner feeds incoming frames to `receive` and reports the channel's end with `closed`.
 * A malformed frame or message closes the link: a peer that speaks garbage is not trusted.
 */
export class FramedLink<In, Out> implements Link<Out> {
  private readonly decoder = new FrameDecoder();
  private readonly queue: OutboundQueue;
  private messageId = 0;
  private isClosed = false;
  private handlers: FramedLinkHandlers<In> = { onMessage: () => {}, onClose: () => {} };

  constructor(
    sink: FrameSink,
    private readonly parse: (raw: unknown) => In,
    private readonly closeChannel: () => void,
    /** The message as it goes on the wire (the inverse of what `parse` restores). */
    private readonly encode: (message: Out) => unknown = (message) => message,
  ) {
    this.queue = new OutboundQueue(sink);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  setHandlers(handlers: FramedLinkHandlers<In>): void {
    this.handlers = handlers;
  }

  send(message: Out): void {
    if (!this.isClosed) this.queue.enqueue(encodeFrames(this.encode(message), () => ++this.messageId));
  }

  close(reason: string): void {
    if (this.isClosed) return;
    this.channelClosed(reason);
    this.closeChannel();
  }

  receive(frame: Uint8Array): void {
    if (this.isClosed) return;
    let message: In;
    try {
      const decoded = this.decoder.push(frame);
      if (!decoded) return;
      message = this.parse(decoded.value);
    } catch (error) {
      this.close(`protocol error: ${error instanceof TabgridError ? error.message : 'unreadable frame'}`);
      return;
    }
    this.handlers.onMessage(message);
  }

  channelClosed(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.close();
    this.handlers.onClose(reason);
  }
}
