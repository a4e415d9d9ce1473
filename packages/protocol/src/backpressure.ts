/** The few things a sender needs from a data channel or socket to respect its buffer. */
export interface FrameSink {
  send(frame: Uint8Array): void;
  bufferedAmount(): number;
  /** Calls `onDrain` once the buffer falls low; returns a function that cancels the wait. */
  waitForDrain(onDrain: () => void): () => void;
}

/**
 * Queues frames and hands them to the sink only while its buffer is below `highWaterBytes`,
 * so a big result never overflows the channel ("send queue is full").
 */
export class OutboundQueue {
  private readonly frames: Uint8Array[] = [];
  private cancelWait: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly highWaterBytes = 1024 * 1024,
  ) {}

  get queuedFrames(): number {
    return this.frames.length;
  }

  enqueue(frames: readonly Uint8Array[]): void {
    if (this.closed) return;
    this.frames.push(...frames);
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.frames.length = 0;
    this.cancelWait?.();
    this.cancelWait = undefined;
  }

  private flush(): void {
    if (this.cancelWait) return;
    while (this.frames.length > 0 && !this.closed) {
      if (this.sink.bufferedAmount() >= this.highWaterBytes) {
        this.cancelWait = this.sink.waitForDrain(() => {
          this.cancelWait = undefined;
          this.flush();
        });
        return;
      }
      const frame = this.frames.shift();
      if (frame) this.sink.send(frame);
    }
  }
}
