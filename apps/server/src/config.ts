import path from 'node:path';
import { LIMITS } from '@tabgrid/protocol';
import type { PipelineDepthOptions } from './dispatch/pipeline-depth';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** From TABGRID_API_KEY; when absent one is generated and stored in the data dir. */
  apiKey: string | undefined;
  /** Built web app to serve; absent → API only. */
  webDir: string;
  iceServers: { urls: string | string[] }[];
  /** A tab that has not connected over WebRTC by then falls back to the WebSocket relay. */
  iceTimeoutMs: number;
  heartbeatMs: number;
  /** How long an invoke may wait in the queue for a node before it fails with no_capacity. */
  queueTimeoutMs: number;
  maxModuleBytes: number;
  /**
   * Tasks leased to a node per worker it has. At least `minDepth` (above 1, a node has the next
   * task at hand when one finishes); short tasks deeper, up to `maxDepth`, so that about `queueMs`
   * of work waits per worker and one message carries many tasks.
   */
  pipeline: PipelineDepthOptions;
  /** Tasks waiting across all jobs; a job that would exceed it is refused with 429. */
  maxQueuedTasks: number;
  /** Ceilings for per-function defaults and per-invoke limits. */
  limits: { maxTimeoutMs: number; maxMemoryMb: number; maxFuel: number };
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function iceServersFromEnv(raw: string | undefined): { urls: string | string[] }[] {
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error('TABGRID_ICE_SERVERS must be a JSON array of {"urls": ...}');
  return parsed.map((entry: unknown) => {
    const urls = (entry as { urls?: unknown } | null)?.urls;
    if (typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'))) {
      return { urls: urls as string | string[] };
    }
    throw new Error('TABGRID_ICE_SERVERS entries need "urls"');
  });
}

function pipelineFromEnv(env: NodeJS.ProcessEnv): PipelineDepthOptions {
  const minDepth = Math.max(1, intFromEnv(env, 'TABGRID_NODE_PIPELINE', 2));
  const maxDepth = Math.min(LIMITS.maxBatch, Math.max(minDepth, intFromEnv(env, 'TABGRID_NODE_PIPELINE_MAX', 64)));
  return { minDepth, maxDepth, queueMs: intFromEnv(env, 'TABGRID_NODE_QUEUE_MS', 100) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, repoRoot = process.cwd()): ServerConfig {
  return {
    port: intFromEnv(env, 'PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.TABGRID_DATA ?? './.tabgrid'),
    apiKey: env.TABGRID_API_KEY || undefined,
    webDir: path.resolve(env.TABGRID_WEB_DIR ?? path.join(repoRoot, 'apps/web/dist')),
    iceServers: iceServersFromEnv(env.TABGRID_ICE_SERVERS),
    iceTimeoutMs: intFromEnv(env, 'TABGRID_ICE_TIMEOUT_MS', 8_000),
    heartbeatMs: intFromEnv(env, 'TABGRID_HEARTBEAT_MS', 2_000),
    queueTimeoutMs: intFromEnv(env, 'TABGRID_QUEUE_TIMEOUT_MS', 60_000),
    maxModuleBytes: intFromEnv(env, 'TABGRID_MAX_MODULE_BYTES', 32 * 1024 * 1024),
    maxQueuedTasks: intFromEnv(env, 'TABGRID_MAX_QUEUED_TASKS', 1_000_000),
    pipeline: pipelineFromEnv(env),
    limits: {
      maxTimeoutMs: intFromEnv(env, 'TABGRID_MAX_TIMEOUT_MS', LIMITS.maxTimeoutMs),
      maxMemoryMb: intFromEnv(env, 'TABGRID_MAX_MEMORY_MB', 1024),
      maxFuel: intFromEnv(env, 'TABGRID_MAX_FUEL', Number.MAX_SAFE_INTEGER),
    },
  };
}
