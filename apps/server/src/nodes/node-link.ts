import {
  encodeServerToNode,
  FramedLink,
  parseNodeToServer,
  type FrameSink,
  type NodeToServer,
  type NodeTransport,
  type ServerToNode,
} from '@tabgrid/protocol';

/** The orchestrator's end of one volunteer node's link, over WebRTC or the relay. */
export class NodeLink extends FramedLink<NodeToServer, ServerToNode> {
  constructor(
    readonly transport: NodeTransport,
    sink: FrameSink,
    closeChannel: () => void,
  ) {
    super(sink, parseNodeToServer, closeChannel, encodeServerToNode);
  }
}

export interface RawLink {
  sink: FrameSink;
  close(): void;
}
