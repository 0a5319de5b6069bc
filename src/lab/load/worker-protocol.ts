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
  | { type: 'result'; warmup: WireRecord; measured: WireRecord; sessions: SessionCounts }
  | { type: 'failed'; error: string };
