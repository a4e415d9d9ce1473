// TEMPORARY type-only stand-in for `@tabgrid/node/browser` until that module lands; delete and
// re-export from the real module then. The shapes are the agreed API, copied verbatim.
export type VolunteerPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'stopped';
export interface RecentTask {
  taskId: string;
  functionName: string;
  status: string;
  durationMs: number;
  at: number;
}
export interface VolunteerSnapshot {
  phase: VolunteerPhase;
  transport: 'webrtc' | 'relay' | null;
  nodeId: string;
  region: string;
  cores: number;
  running: number;
  completed: number;
  failed: number;
  message: string | null;
  recent: RecentTask[];
}
export interface BrowserVolunteer {
  start(): void;
  stop(): void;
  snapshot(): VolunteerSnapshot;
}
export type CreateBrowserVolunteer = (opts: {
  serverUrl: string;
  region: string;
  onChange: (s: VolunteerSnapshot) => void;
}) => BrowserVolunteer;

/** Loaded lazily so the dashboard never downloads the agent (simple-peer, worker runtime). */
export function loadAgent(): Promise<CreateBrowserVolunteer> {
  return Promise.reject(new Error('The volunteer agent is not part of this build yet.'));
}
