import { describe, expect, it } from 'vitest';
import { defaultBindAddress, nodeWrtc } from './node-rtc';

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('node WebRTC adapter for simple-peer', () => {
  it('hands out plain descriptions and holds candidates until the offer is out', async () => {
    const { RTCPeerConnection } = nodeWrtc({ bindAddress: '127.0.0.1' });
    const pc = new RTCPeerConnection({ iceServers: [] });
    const candidates: string[] = [];
    pc.onicecandidate = (event) => {
      if (event.candidate) candidates.push(event.candidate.candidate);
    };
    try {
      pc.createDataChannel('probe');
      const offer = await pc.createOffer();
      expect(Object.getPrototypeOf(offer)).toBe(Object.prototype);
      offer.sdp = `${offer.sdp}`; // simple-peer's sdpTransform assignment must not throw
      expect(offer.type).toBe('offer');
      await until(() => pc.iceGatheringState === 'complete');
      expect(candidates).toEqual([]);
      await pc.setLocalDescription(offer);
      await until(() => candidates.length > 0);
      // Bound to loopback, the only host candidate is 127.0.0.1.
      expect(candidates.every((c) => c.includes(' 127.0.0.1 '))).toBe(true);
    } finally {
      pc.close();
    }
  });

  it('binds to loopback only on a machine without another interface', () => {
    const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' } as const;
    const eth = { ...lo, address: '192.0.2.2', internal: false, cidr: '192.0.2.2/24' } as const;
    expect(defaultBindAddress({ lo: [lo] })).toBe('127.0.0.1');
    expect(defaultBindAddress({})).toBe('127.0.0.1');
    expect(defaultBindAddress({ lo: [lo], eth0: [eth] })).toBeUndefined();
  });
});
