import { PeerConnection, type DataChannel } from 'node-datachannel';
import type { SignalData } from '@tabgrid/protocol';
import type { RawLink } from './node-link';

const MAX_EARLY_CANDIDATES = 64;

export interface RtcPeerEvents {
  /** Local SDP answer or ICE candidate for the tab. */
  onSignal(data: SignalData): void;
  /** The tab's data channel is open: frames may flow. */
  onOpen(raw: RawLink): void;
  onFrame(frame: Uint8Array): void;
  onClose(reason: string): void;
}

/** The orchestrator's own WebRTC peer for one tab (the tab initiates, we answer). */
export class RtcPeer {
  private readonly pc: PeerConnection;
  private channel: DataChannel | undefined;
  private closed = false;
  private hasRemoteDescription = false;
  private readonly earlyCandidates: SignalData[] = [];

  constructor(label: string, iceServers: { urls: string | string[] }[], private readonly events: RtcPeerEvents) {
    const servers = iceServers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
    this.pc = new PeerConnection(label, { iceServers: servers });
    this.pc.onLocalDescription((sdp, type) => {
      if (type === 'answer' || type === 'offer') events.onSignal({ type, sdp });
    });
    this.pc.onLocalCandidate((candidate, mid) => {
      events.onSignal({ type: 'candidate', candidate: { candidate, sdpMid: mid, sdpMLineIndex: 0 } });
    });
    this.pc.onStateChange((state) => {
      if (state === 'failed' || state === 'closed') this.close(`peer connection ${state}`);
    });
    this.pc.onDataChannel((dc) => this.adopt(dc));
  }

  /**
   * Applies the tab's SDP or ICE candidate. Candidates that arrive before the offer wait for it;
   * anything the native side rejects closes this peer (the caller then falls back or reconnects)
   * instead of throwing into the socket handler.
   */
  signal(data: SignalData): void {
    if (this.closed) return;
    try {
      if (data.type === 'candidate') {
        if (data.candidate.candidate === '') return; // end-of-candidates marker
        if (!this.hasRemoteDescription) {
          if (this.earlyCandidates.length >= MAX_EARLY_CANDIDATES) throw new Error('too many candidates before the offer');
          this.earlyCandidates.push(data);
          return;
        }
        this.pc.addRemoteCandidate(data.candidate.candidate, data.candidate.sdpMid ?? '0');
      } else {
        if (this.hasRemoteDescription) throw new Error('a second offer on one peer');
        this.pc.setRemoteDescription(data.sdp, data.type);
        this.hasRemoteDescription = true;
        for (const early of this.earlyCandidates.splice(0)) this.signal(early);
      }
    } catch (error) {
      this.close(`bad signal: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.channel?.close();
      this.pc.close();
    } catch {
      // already torn down by the native side
    }
    this.events.onClose(reason);
  }

  private adopt(dc: DataChannel): void {
    if (this.channel) {
      dc.close();
      return;
    }
    this.channel = dc;
    const raw: RawLink = {
      sink: {
        send: (frame) => {
          dc.sendMessageBinary(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
        },
        bufferedAmount: () => dc.bufferedAmount(),
        waitForDrain: (onDrain) => {
          let active = true;
          dc.setBufferedAmountLowThreshold(256 * 1024);
          dc.onBufferedAmountLow(() => {
            if (!active) return;
            active = false;
            onDrain();
          });
          return () => {
            active = false;
          };
        },
      },
      close: () => this.close('closed by server'),
    };
    const open = () => this.events.onOpen(raw);
    dc.onMessage((msg) => {
      if (typeof msg === 'string') {
        this.close('text frame on a binary channel');
        return;
      }
      this.events.onFrame(msg instanceof ArrayBuffer ? new Uint8Array(msg) : new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    });
    dc.onClosed(() => this.close('data channel closed'));
    dc.onError((err) => this.close(`data channel error: ${err}`));
    if (dc.isOpen()) open();
    else dc.onOpen(open);
  }
}
