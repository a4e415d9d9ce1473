import type { BrowserVolunteerOptions, createBrowserVolunteer } from '@tabgrid/node/browser';

export type {
  BrowserVolunteer,
  BrowserVolunteerOptions,
  RecentTask,
  VolunteerPhase,
  VolunteerSnapshot,
} from '@tabgrid/node/browser';

export type CreateBrowserVolunteer = typeof createBrowserVolunteer;
export type { BrowserVolunteerOptions as AgentOptions };

/**
 * Loaded on Start, not with the page: the dashboard never downloads the agent (simple-peer, the
 * worker runtime), and the volunteer page renders before it arrives. polyfills.ts has already run.
 */
export async function loadAgent(): Promise<CreateBrowserVolunteer> {
  const agent = await import('@tabgrid/node/browser');
  return agent.createBrowserVolunteer;
}
