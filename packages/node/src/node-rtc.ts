import os from 'node:os';
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

  /** libdatachannel options beyond RTCConfiguration (the polyfill passes its config through). */
  static nativeConfig: { bindAddress?: string } = {};

  constructor(config?: RTCConfiguration) {
    super({ iceServers: [], iceTransportPolicy: 'all', ...config, ...new.target.nativeConfig } as RTCConfiguration);
  }

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

export interface NodeRtcOptions {
  /**
   * Local address ICE binds to and offers as its only host candidate. libjuice skips loopback
   * when it enumerates interfaces, so on a machine with no other interface it has no candidate
   * at all and ICE cannot start; bound to 127.0.0.1 it reaches an orchestrator on this machine.
   */
  bindAddress?: string;
}

/** The `wrtc` option simple-peer needs under Node. */
export function nodeWrtc(options: NodeRtcOptions = {}): NonNullable<SimplePeer.Options['wrtc']> {
  const nativeConfig = options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress };
  class ConfiguredPeerConnection extends BrowserLikePeerConnection {
    static override nativeConfig = nativeConfig;
  }
  return {
    RTCPeerConnection: ConfiguredPeerConnection,
    RTCSessionDescription,
    RTCIceCandidate,
  } as unknown as NonNullable<SimplePeer.Options['wrtc']>;
}

/** Loopback when this machine has no other interface (a bare network namespace, a sandbox). */
export function defaultBindAddress(interfaces = os.networkInterfaces()): string | undefined {
  const external = Object.values(interfaces).some((list) => list?.some((i) => !i.internal));
  return external ? undefined : '127.0.0.1';
}
