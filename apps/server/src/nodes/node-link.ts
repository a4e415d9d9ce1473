import {
  encodeFrames,
  FrameDecoder,
  OutboundQueue,
  parseNodeToServer,
  TabgridError,
  type FrameSink,
  type NodeToServer,
  type NodeTransport,
  type ServerToNode,
} from '@tabgrid/protocol';

/** A typed, framed, back-pressured message link to one volunteer node, over WebRTC or the relay. */
export interface NodeLink {
  readonly transport: NodeTransport;
  send(message: ServerToNode): void;
  close(reason: string): void;
  onMessage(handler: (message: NodeToServer) => void): void;
  onClose(handler: (reason: string) => void): void;
}

export interface RawLink {
  sink: FrameSink;
  /** Closes the underlying channel. */
  close(): void;
}

/**
 * Builds a NodeLink over a raw channel. The owner feeds incoming frames to `receive` and calls
 * `closed` when the channel goes away. A malformed frame or message closes the link: a node that
 * speaks garbage is not trusted with work.
 */
export function createNodeLink(transport: NodeTransport, raw: RawLink) {
  const decoder = new FrameDecoder();
  const queue = new OutboundQueue(raw.sink);
  let messageId = 0;
  let messageHandler: (m: NodeToServer) => void = () => {};
  let closeHandler: (reason: string) => void = () => {};
  let isClosed = false;

  const finish = (reason: string) => {
    if (isClosed) return;
    isClosed = true;
    queue.close();
    closeHandler(reason);
  };

  const link: NodeLink = {
    transport,
    send(message) {
      if (!isClosed) queue.enqueue(encodeFrames(message, () => ++messageId));
    },
    close(reason) {
      if (isClosed) return;
      raw.close();
      finish(reason);
    },
    onMessage(handler) {
      messageHandler = handler;
    },
    onClose(handler) {
      closeHandler = handler;
    },
  };

  return {
    link,
    receive(frame: Uint8Array): void {
      if (isClosed) return;
      let message: NodeToServer;
      try {
        const decoded = decoder.push(frame);
        if (!decoded) return;
        message = parseNodeToServer(decoded.value);
      } catch (error) {
        const why = error instanceof TabgridError ? error.message : 'unreadable frame';
        link.close(`protocol error: ${why}`);
        return;
      }
      messageHandler(message);
    },
    closed(reason: string): void {
      finish(reason);
    },
  };
}
