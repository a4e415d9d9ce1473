import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  isNodeId,
  parseJsonText,
  parseSignalClientToServer,
  PROTOCOL_VERSION,
  TabgridError,
  type SignalServerToClient,
} from '@tabgrid/protocol';
import { NodeLink } from './node-link';
import { RtcPeer } from './rtc-peer';

export interface SignalingOptions {
  iceServers: { urls: string | string[] }[];
  iceTimeoutMs: number;
  /** A node link is ready (data channel open, or relay granted). */
  onLink: (link: NodeLink) => void;
}

/** Relay frames are chunks of at most 16 KiB plus header; anything bigger is abuse. */
const MAX_WS_PAYLOAD = 64 * 1024;
const RELAY_HIGH_WATER = 1024 * 1024;

/**
 * WebSocket /v1/signal: one socket per tab. It carries the tab's join, SDP and ICE for the
 * orchestrator's own peer, and — if ICE fails — the node envelopes themselves (relay mode).
 */
export class Signaling {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });

  constructor(private readonly options: SignalingOptions) {
    this.wss.on('connection', (socket) => this.session(socket));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
  }

  close(): void {
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }

  private session(socket: WebSocket): void {
    const send = (message: SignalServerToClient) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const refuse = (code: TabgridError['code'], message: string) => {
      send({ type: 'refused', code, message });
      socket.close(4000 + (code === 'protocol_mismatch' ? 26 : 0), message.slice(0, 100));
    };
    let peer: RtcPeer | undefined;
    let relay: NodeLink | undefined;
    let joined = false;

    const onMessage = (data: RawData, isBinary: boolean): void => {
      if (isBinary) {
        if (!relay) return refuse('bad_request', 'binary frames are only allowed after relay is granted');
        relay.receive(toBytes(data));
        return;
      }
      let message;
      try {
        message = parseSignalClientToServer(parseJsonText(data.toString()));
      } catch (error) {
        return refuse('bad_request', error instanceof TabgridError ? error.message : 'malformed signal message');
      }
      switch (message.type) {
        case 'join':
          if (joined) return refuse('bad_request', 'join sent twice');
          if (message.protocolVersion !== PROTOCOL_VERSION) {
            return refuse(
              'protocol_mismatch',
              `this page speaks protocol ${message.protocolVersion}, the server speaks ${PROTOCOL_VERSION}: reload the page`,
            );
          }
          if (!isNodeId(message.nodeId)) return refuse('bad_request', 'nodeId must be 8-64 characters of [A-Za-z0-9_-]');
          joined = true;
          peer = this.createPeer(message.nodeId, send);
          send({ type: 'joined', iceServers: this.options.iceServers, iceTimeoutMs: this.options.iceTimeoutMs });
          return;
        case 'signal':
          if (!peer) return refuse('bad_request', 'signal before join');
          peer.signal(message.data);
          return;
        case 'relay':
          if (!joined) return refuse('bad_request', 'relay before join');
          if (relay) return;
          peer?.close(`tab asked for relay: ${message.reason}`);
          peer = undefined;
          relay = this.createRelay(socket);
          send({ type: 'relay_ok' });
          this.options.onLink(relay);
          return;
      }
    };
    socket.on('message', (data: RawData, isBinary: boolean) => {
      // Whatever an anonymous client sends, the server answers or closes; it never throws.
      try {
        onMessage(data, isBinary);
      } catch {
        refuse('internal', 'the server could not handle that message');
      }
    });
    socket.on('close', () => {
      peer?.close('signaling socket closed');
      relay?.channelClosed('relay socket closed');
    });
    socket.on('error', () => socket.terminate());
  }

  private createPeer(nodeId: string, send: (m: SignalServerToClient) => void): RtcPeer {
    let link: NodeLink | undefined;
    return new RtcPeer(`tabgrid-${nodeId}`, this.options.iceServers, {
      onSignal: (data) => send({ type: 'signal', data }),
      onOpen: (raw) => {
        link = new NodeLink('webrtc', raw.sink, raw.close);
        this.options.onLink(link);
      },
      onFrame: (frame) => link?.receive(frame),
      onClose: (reason) => link?.channelClosed(reason),
    });
  }

  private createRelay(socket: WebSocket): NodeLink {
    return new NodeLink(
      'relay',
      {
        send: (frame) => socket.send(frame, { binary: true }),
        bufferedAmount: () => socket.bufferedAmount,
        waitForDrain: (onDrain) => {
          const timer = setInterval(() => {
            if (socket.bufferedAmount < RELAY_HIGH_WATER / 2) {
              clearInterval(timer);
              onDrain();
            }
          }, 10);
          return () => clearInterval(timer);
        },
      },
      () => socket.close(1000, 'closed by server'),
    );
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
