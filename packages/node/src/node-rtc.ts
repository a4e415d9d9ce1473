import {
  RTCIceCandidate,
  RTCPeerConnection as PolyfillPeerConnection,
  RTCSessionDescription,
} from 'node-datachannel/polyfill';
import type SimplePeer from 'simple-peer';

type Description = { type: RTCSdpType; sdp: string };

/**
 * Makes node-datachannel's polyfill behave like a browser's RTCPeerConnection where simple-peer
 * depends on it:
 *
 * - createOffer/createAnswer resolve with an RTCSessionDescription whose `sdp` is a getter only;
 *   simple-peer assigns `offer.sdp = sdpTransform(offer.sdp)`. It gets plain `{type, sdp}`.
 * - libdatachannel negotiates by itself and gathers candidates as soon as the data channel is
 *   created, so `icecandidate` fires before simple-peer has even emitted its offer. A peer that
 *   receives a candidate before the description rejects it ("remote candidate without remote
 *   description"). Candidates are held back until the local description has been handed out.
 */
class BrowserLikePeerConnection extends PolyfillPeerConnection {
  private heldCandidates: Event[] | undefined = [];

  override async createOffer(): Promise<Description> {
    return plain(await super.createOffer());
  }

  override async createAnswer(): Promise<Description> {
    return plain(await super.createAnswer());
  }

  override async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await super.setLocalDescription(description);
    // simple-peer emits the description in a .then() of this promise: a macrotask runs after it.
    setTimeout(() => this.releaseCandidates(), 0);
  }

  override dispatchEvent(event: Event): boolean {
    if (event.type === 'icecandidate' && this.heldCandidates) {
      this.heldCandidates.push(event);
      return true;
    }
    return super.dispatchEvent(event);
  }

  override close(): void {
    this.heldCandidates = undefined;
    super.close();
  }

  private releaseCandidates(): void {
    const held = this.heldCandidates;
    this.heldCandidates = undefined;
    for (const event of held ?? []) super.dispatchEvent(event);
  }
}

function plain(description: RTCSessionDescriptionInit): Description {
  return { type: description.type, sdp: description.sdp ?? '' };
}

/** The `wrtc` option simple-peer needs under Node. */
export const nodeWrtc = {
  RTCPeerConnection: BrowserLikePeerConnection,
  RTCSessionDescription,
  RTCIceCandidate,
} as unknown as NonNullable<SimplePeer.Options['wrtc']>;
