/** Bumped on any incompatible change to signaling, framing or node messages. */
export const PROTOCOL_VERSION = 3;
