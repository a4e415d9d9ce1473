import { describe, expect, it } from 'vitest';
import { createAgentLog } from './agent-log';
import type { VolunteerSnapshot } from './volunteer';

const base: VolunteerSnapshot = {
  phase: 'idle',
  transport: null,
  nodeId: 'n_abcdefgh',
  region: 'eu',
  cores: 2,
  running: 0,
  completed: 0,
  failed: 0,
  message: null,
  recent: [],
};

describe('agent log', () => {
  it('logs phase and transport changes, and tasks only when verbose', () => {
    const task = { taskId: 't1', functionName: 'hello', status: 'ok', durationMs: 12.6, at: 0 };
    const steps: VolunteerSnapshot[] = [
      { ...base, phase: 'connecting' },
      { ...base, phase: 'connected', transport: 'webrtc' },
      { ...base, phase: 'connected', transport: 'webrtc', running: 1 },
      { ...base, phase: 'connected', transport: 'webrtc', completed: 1, recent: [task] },
      { ...base, phase: 'reconnecting', message: 'data channel closed' },
      { ...base, phase: 'connected', transport: 'relay' },
      { ...base, phase: 'stopped', completed: 1 },
    ];
    const quiet = createAgentLog(false);
    expect(steps.flatMap(quiet)).toEqual([
      'node n_abcdefgh: connecting',
      'node n_abcdefgh: connected over WebRTC (region eu, 2 slots)',
      'node n_abcdefgh: reconnecting (data channel closed)',
      'node n_abcdefgh: connected over the WebSocket relay (region eu, 2 slots)',
      'node n_abcdefgh: stopped (1 tasks completed, 0 rejected)',
    ]);
    const verbose = createAgentLog(true);
    expect(steps.flatMap(verbose)).toContain('task t1 hello: ok in 13 ms');
  });
});
