import type { LoadModel, SessionCounts } from './models.js';
import type { WireRecord } from './recorder.js';
import type { Scenario } from './scenario.js';

export interface WorkerOptions {
  targets: string[];
  scenario: Scenario;
  model: LoadModel;
  warmupMs: number;
  durationMs: number;
  seed: number;
  worker: number;
  workers: number;
  adminPassword: string | undefined;
  tag: string;
}

export type ToWorker =
  { type: 'configure'; options: WorkerOptions } | { type: 'start'; at: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'tick';
      phase: 'warmup' | 'measure' | 'draining';
      requests: number;
      errors: number;
      /** All measured samples so far, compressed. */
      histogram: string;
      sessions: number;
    }
  | {
      type: 'result';
      warmup: WireRecord;
      measured: WireRecord;
      sessions: SessionCounts;
      /** The worker's own CPU time over its run (warm-up included), its wall time and its machine's cores. */
      usage: WorkerUsage;
    }
  | { type: 'failed'; error: string };

export interface WorkerUsage {
  cpu_ms: number;
  wall_ms: number;
  cores: number;
}

/**
 * A worker started over SSH has no IPC channel: it reads the coordinator's messages as JSON lines
 * on stdin and writes its own as JSON lines on stdout (its other output goes to stderr).
 */
export { LOAD_WORKER_STDIO_ENV as STDIO_TRANSPORT_ENV } from '../../config/lab-settings.js';
