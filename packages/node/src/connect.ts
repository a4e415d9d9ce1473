import SimplePeer from 'simple-peer';
import {
  encodeNodeToServer,
  FramedLink,
  parseJsonText,
  parseServerToNode,
  parseSignalServerToClient,
  PROTOCOL_VERSION,
  type FrameSink,
  type NodeToServer,
  type ServerToNode,
  type SignalClientToServer,
  type SignalData,
  type SignalServerToClient,
} from '@tabgrid/protocol';
import { RefusedError } from './errors';

export type NodeLinkToServer = FramedLink<ServerToNode, NodeToServer>;

export interface Connection {
  link: NodeLinkToServer;
  transport: 'webrtc' | 'relay';
}

export interface ConnectOptions {
  serverUrl: string;
  nodeId: string;
  /** Skip WebRTC and use the WebSocket relay at once. */
  forceRelay?: boolean;
  /** Extra simple-peer options (e.g. `wrtc` under Node). */
  peerOptions?: SimplePeer.Options;
  WebSocketImpl?: typeof WebSocket;
}

const SEND_HIGH_WATER = 1024 * 1024;
const DRAIN_POLL_MS = 5;

function signalUrl(serverUrl: string): string {
  const url = new URL('/v1/signal', serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Polls a buffer until it drains: simple-peer's write() stalls if its low-threshold is changed. */
function pollDrain(bufferedAmount: () => number, onDrain: () => void): () => void {
  const timer = setInterval(() => {
    if (bufferedAmount() < SEND_HIGH_WATER / 2) {
      clearInterval(timer);
      onDrain();
    }
  }, DRAIN_POLL_MS);
  return () => clearInterval(timer);
}

function toSignalData(data: SimplePeer.SignalData): SignalData | undefined {
  if ((data.type === 'offer' || data.type === 'answer') && typeof data.sdp === 'string') {
    return { type: data.type, sdp: data.sdp };
  }
  if (data.type === 'candidate' && 'candidate' in data) {
    const { candidate, sdpMid, sdpMLineIndex } = data.candidate;
    return { type: 'candidate', candidate: { candidate, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null } };
  }
  return undefined;
}

/**
 * Joins the orchestrator: signaling over WebSocket, then a WebRTC data channel to the server's
 * own peer. If ICE does not connect within the server's deadline, falls back to the relay.
 */
export function connect(options: ConnectOptions): Promise<Connection> {
  const WS = options.WebSocketImpl ?? WebSocket;
  return new Promise((resolve, reject) => {
    const ws = new WS(signalUrl(options.serverUrl));
    ws.binaryType = 'arraybuffer';
    let peer: SimplePeer.Instance | undefined;
    let iceTimer: ReturnType<typeof setTimeout> | undefined;
    let link: NodeLinkToServer | undefined;
    let settled = false;

    const sendSignal = (message: SignalClientToServer) => {
      if (ws.readyState === WS.OPEN) ws.send(JSON.stringify(message));
    };
    const fail = (error: Error) => {
      if (iceTimer) clearTimeout(iceTimer);
      peer?.destroy();
      if (ws.readyState === WS.OPEN || ws.readyState === WS.CONNECTING) ws.close();
      if (!settled) {
        settled = true;
        reject(error);
      } else {
        link?.channelClosed(error.message);
      }
    };
    const succeed = (transport: 'webrtc' | 'relay', sink: FrameSink, closeChannel: () => void) => {
      if (iceTimer) clearTimeout(iceTimer);
      link = new FramedLink<ServerToNode, NodeToServer>(sink, parseServerToNode, closeChannel, encodeNodeToServer);
      settled = true;
      resolve({ link, transport });
    };

    const startRelay = (reason: string) => {
      peer?.destroy();
      peer = undefined;
      sendSignal({ type: 'relay', reason });
    };

    const startPeer = (iceServers: { urls: string | string[] }[], iceTimeoutMs: number) => {
      const p = new SimplePeer({ initiator: true, trickle: true, config: { iceServers }, ...options.peerOptions });
      peer = p;
      p.on('signal', (data: SimplePeer.SignalData) => {
        const signal = toSignalData(data);
        if (signal) sendSignal({ type: 'signal', data: signal });
      });
      p.on('connect', () => {
        const channel = () => (p as unknown as { _channel?: RTCDataChannel })._channel;
        succeed(
          'webrtc',
          {
            send: (frame) => p.send(frame),
            bufferedAmount: () => channel()?.bufferedAmount ?? 0,
            waitForDrain: (onDrain) => pollDrain(() => channel()?.bufferedAmount ?? 0, onDrain),
          },
          () => {
            p.destroy();
            ws.close();
          },
        );
      });
      p.on('data', (data: Uint8Array) => link?.receive(data));
      p.on('close', () => (link ? link.channelClosed('data channel closed') : undefined));
      p.on('error', (err: Error) => {
        if (!link) startRelay(`WebRTC failed: ${err.message}`);
        else fail(new Error(`data channel error: ${err.message}`));
      });
      iceTimer = setTimeout(() => {
        if (!link) startRelay(`ICE did not connect within ${iceTimeoutMs} ms`);
      }, iceTimeoutMs);
    };

    ws.onopen = () => sendSignal({ type: 'join', protocolVersion: PROTOCOL_VERSION, nodeId: options.nodeId });
    ws.onerror = () => fail(new Error('cannot reach the orchestrator'));
    ws.onclose = (event) => {
      if (link) link.channelClosed(`signaling closed (${event.code})`);
      else fail(new Error(`the orchestrator closed the connection (${event.code} ${event.reason})`));
    };
    ws.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) {
        link?.receive(new Uint8Array(event.data));
        return;
      }
      let message: SignalServerToClient;
      try {
        message = parseSignalServerToClient(parseJsonText(String(event.data)));
      } catch (error) {
        fail(error instanceof Error ? error : new Error('malformed signaling message'));
        return;
      }
      switch (message.type) {
        case 'joined':
          if (options.forceRelay) startRelay('relay requested');
          else startPeer(message.iceServers, message.iceTimeoutMs);
          return;
        case 'signal':
          peer?.signal(message.data as SimplePeer.SignalData);
          return;
        case 'relay_ok':
          succeed(
            'relay',
            {
              send: (frame) => ws.send(frame),
              bufferedAmount: () => ws.bufferedAmount,
              waitForDrain: (onDrain) => pollDrain(() => ws.bufferedAmount, onDrain),
            },
            () => ws.close(1000, 'node leaving'),
          );
          return;
        case 'refused':
          fail(new RefusedError(message.code, message.message));
          return;
      }
    };
  });
}
