import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { regionFromTimeZone, type NodeCapabilities } from '@tabgrid/protocol';
import type { WorkerPool } from '@tabgrid/runtime';
import { createNodePool } from '@tabgrid/runtime/node';
import { connect } from './connect';
import { lockDataDir } from './data-dir-lock';
import { FsModuleStore } from './fs-module-store';
import { httpModuleFetcher, ModuleCache } from './module-cache';
import { loadOrCreateNodeId } from './node-identity';
import { defaultBindAddress, nodeWrtc } from './node-rtc';
import { realTimers } from './timers';
import { Volunteer, type VolunteerSnapshot } from './volunteer';

export type { VolunteerSnapshot } from './volunteer';

export const AGENT_VERSION = '0.1.0';
export const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;

export interface NodeAgentOptions {
  /** Orchestrator base URL, e.g. http://localhost:8080. */
  serverUrl: string;
  /** Identity, lock and module cache live here. */
  dataDir: string;
  /** Worker threads = task slots offered; default os.availableParallelism(). */
  slots?: number;
  /** Default: from the time zone, as the volunteer page does. */
  region?: string;
  /** Skip WebRTC and use the WebSocket relay at once. */
  forceRelay?: boolean;
  /**
   * Address WebRTC binds to. Default: every interface, or 127.0.0.1 on a machine that has no
   * interface but loopback (where ICE would otherwise have no candidate at all).
   */
  iceBindAddress?: string;
  /** Bound of the on-disk module cache. */
  cacheMaxBytes?: number;
  /** Every state change (not coalesced: the agent has no UI to protect). */
  onChange?: (snapshot: VolunteerSnapshot) => void;
}

export interface NodeAgent {
  readonly nodeId: string;
  readonly capabilities: NodeCapabilities;
  snapshot(): VolunteerSnapshot;
  /** Closes the link and waits for the worker threads to stop; releases the data dir. */
  stop(): Promise<void>;
}

export function defaultDataDir(): string {
  return path.join(os.homedir(), '.tabgrid-node');
}

export function nodeCapabilities(slots: number, region: string): NodeCapabilities {
  return {
    cores: slots,
    memoryMb: Math.floor(os.totalmem() / (1024 * 1024)),
    userAgent: `tabgrid-node/${AGENT_VERSION} node/${process.versions.node} ${process.platform}`,
    region,
    features: [],
  };
}

/**
 * The headless volunteer: the same Volunteer/AgentSession as a tab, with Node's WebRTC
 * (node-datachannel behind simple-peer), `ws`, worker_threads and an on-disk module cache.
 */
export function startNodeAgent(options: NodeAgentOptions): NodeAgent {
  const serverUrl = options.serverUrl.replace(/\/+$/, '');
  const slots = options.slots ?? os.availableParallelism();
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`slots must be a positive integer, got ${slots}`);
  const release = lockDataDir(options.dataDir);
  let nodeId: string;
  try {
    nodeId = loadOrCreateNodeId(options.dataDir);
  } catch (error) {
    release();
    throw error;
  }
  const capabilities = nodeCapabilities(slots, options.region ?? regionFromTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone));
  const store = new FsModuleStore({ dir: path.join(options.dataDir, 'modules'), maxBytes: options.cacheMaxBytes ?? DEFAULT_CACHE_BYTES });

  // Volunteer.stop() does not wait for the pool; a process that wants to exit must.
  const pools = new Set<Promise<void>>();
  const createPool = (): WorkerPool => {
    const pool = createNodePool({ size: slots });
    let stopping: Promise<void> | undefined;
    return {
      get size() {
        return pool.size;
      },
      get busy() {
        return pool.busy;
      },
      run: (...args) => pool.run(...args),
      stop: () => {
        if (!stopping) {
          stopping = pool.stop();
          pools.add(stopping);
        }
        return stopping;
      },
    };
  };

  const bindAddress = options.iceBindAddress ?? defaultBindAddress();
  const wrtc = nodeWrtc(bindAddress === undefined ? {} : { bindAddress });
  const volunteer = new Volunteer({
    nodeId,
    capabilities,
    createPool,
    modules: new ModuleCache(store, httpModuleFetcher(serverUrl)),
    connect: () =>
      connect({
        serverUrl,
        nodeId,
        forceRelay: options.forceRelay ?? false,
        WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
        peerOptions: { wrtc },
      }),
    timers: realTimers,
    onChange: (snapshot) => options.onChange?.(snapshot),
  });
  volunteer.start();

  let stopped: Promise<void> | undefined;
  return {
    nodeId,
    capabilities,
    snapshot: () => volunteer.snapshot(),
    stop: () => {
      stopped ??= (async () => {
        volunteer.stop();
        await Promise.allSettled(pools);
        release();
      })();
      return stopped;
    },
  };
}
