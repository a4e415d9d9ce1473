export { AgentSession, type AgentEvent, type AgentSessionDeps, type AgentTimers } from './agent';
export { Volunteer, type VolunteerDeps, type VolunteerPhase, type VolunteerSnapshot, type RecentTask } from './volunteer';
export { ModuleCache, MemoryModuleStore, httpModuleFetcher, sha256Digest, type ModuleStore, type FetchModule } from './module-cache';
export { RefusedError } from './errors';
export { connect, type Connection, type ConnectOptions } from './connect';
export { realTimers } from './timers';
