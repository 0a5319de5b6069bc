import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import type { LoadModel, SessionCounts } from './models.js';
import { newHistogram, Recorder } from './recorder.js';
import type { Scenario } from './scenario.js';
import { summarise, type LoadResult, type WorkerFigures } from './summary.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker-protocol.js';
import { forkedWorker, stdioWorker, type WorkerChannel } from './worker-channel.js';

export interface LoadOptions {
  targets: string[];
  model: LoadModel;
  scenario: Scenario;
  warmupMs: number;
  durationMs: number;
  workers: number;
  seed: number;
  adminPassword: string | undefined;
  /** Called once a second with the progress line. */
  progress?: (line: string) => void;
  /** Aborting ends the measurement early; the result covers what was measured. */
  signal?: AbortSignal;
  /** Where worker w runs, when not as a plain child of this process (a client host, a machine). */
  launchWorker?: (worker: number) => WorkerLaunch;
}

/**
 * Where a worker runs: forked with another program and arguments before the module's path (a
 * simulated client host), or a command of its own that speaks JSON lines (a load machine over SSH).
 */
export type WorkerLaunch =
  { execPath: string; execArgv: string[]; where?: string } | { start(): ChildProcess; where: string };

interface WorkerState {
  child: WorkerChannel;
  where: string;
  requests: number;
  errors: number;
  histogram?: string;
  sessions: number;
  phase: string;
  result?: Extract<FromWorker, { type: 'result' }>;
}

/** The compiled worker next to this file, or the TypeScript source when run through tsx. */
function workerModule(): string {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./worker.ts', import.meta.url));
}

interface SpawnedWorker {
  state: WorkerState;
  ready: Promise<void>;
  done: Promise<WorkerState>;
}

function channelOf(launch?: WorkerLaunch): WorkerChannel {
  if (launch && 'start' in launch) return stdioWorker(launch.start());
  return forkedWorker(
    workerModule(),
    launch ? { execPath: launch.execPath, execArgv: launch.execArgv } : undefined,
  );
}

function spawnWorker(options: WorkerOptions, launch?: WorkerLaunch): SpawnedWorker {
  const child = channelOf(launch);
  const where = launch?.where ?? 'this machine';
  const state: WorkerState = { child, where, requests: 0, errors: 0, sessions: 0, phase: 'starting' };
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<WorkerState>((resolve, reject) => {
    child.onMessage((m: FromWorker) => {
      if (m.type === 'ready') markReady();
      else if (m.type === 'tick') Object.assign(state, m);
      else if (m.type === 'result') state.result = m;
      else reject(new Error(`load worker ${options.worker} (${where}) failed: ${m.error}`));
    });
    child.onExit((code) =>
      state.result
        ? resolve(state)
        : reject(new Error(`load worker ${options.worker} (${where}) exited with ${code}`)),
    );
    child.onError(reject);
  });
  child.send({ type: 'configure', options } satisfies ToWorker);
  return { state, ready, done };
}

/** Runs the load in `workers` processes that start together, and merges their histograms. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const tag = `${Date.now().toString(36)}${o.seed.toString(36)}`;
  const workers = Array.from({ length: o.workers }, (_, worker) =>
    spawnWorker(
      {
        targets: o.targets,
        scenario: o.scenario,
        model: o.model,
        warmupMs: o.warmupMs,
        durationMs: o.durationMs,
        seed: o.seed,
        worker,
        workers: o.workers,
        adminPassword: o.adminPassword,
        tag: `${tag}w${worker}`,
      },
      o.launchWorker?.(worker),
    ),
  );
  const states = workers.map((w) => w.state);
  const dones = workers.map((w) => w.done);
  // A worker that dies before it is ready must not leave the others waiting.
  await Promise.race([Promise.all(workers.map((w) => w.ready)), Promise.all(dones)]);
  const startAt = Date.now() + 200;
  const startedAt = new Date(startAt);
  for (const s of states) s.child.send({ type: 'start', at: startAt } satisfies ToWorker);
  const stopAll = () => {
    for (const s of states) if (s.child.open) s.child.send({ type: 'stop' } satisfies ToWorker);
  };
  o.signal?.addEventListener('abort', stopAll, { once: true });
  // Aborted before the start (Ctrl-C while a cluster was coming up): measure nothing.
  if (o.signal?.aborted) stopAll();
  const ticker = o.progress ? startProgress(states, startAt, o.progress) : undefined;
  let finished: WorkerState[];
  try {
    finished = await Promise.all(dones);
  } catch (error) {
    for (const s of states) if (s.child.running) s.child.kill();
    throw error;
  } finally {
    if (ticker) clearInterval(ticker);
    o.signal?.removeEventListener('abort', stopAll);
  }
  const measured = new Recorder();
  const warmup = new Recorder();
  const sessions: SessionCounts = { started: 0, completed: 0, not_started: 0 };
  for (const s of finished) {
    measured.merge(s.result!.measured);
    warmup.merge(s.result!.warmup);
    sessions.started += s.result!.sessions.started;
    sessions.completed += s.result!.sessions.completed;
    sessions.not_started += s.result!.sessions.not_started;
  }
  const durationS = o.signal?.aborted
    ? Math.max(0.001, (Date.now() - startAt - o.warmupMs) / 1000)
    : o.durationMs / 1000;
  const summary = summarise(measured, warmup, {
    startedAt,
    durationS,
    warmupS: o.warmupMs / 1000,
    targets: o.targets,
    model: {
      ...o.model,
      workers: o.workers,
      warmup_s: o.warmupMs / 1000,
      scenario: o.scenario.name,
      seed: o.seed,
    },
    sessions,
  });
  return { ...summary, workers: finished.map(workerFigures) };
}

/**
 * What one worker did and what it cost it: its requests (measured, and in the warm-up), and its
 * process's CPU time over its run as a share of one core (a worker is one thread: 100 % is its
 * ceiling, and what is left is its headroom).
 */
function workerFigures(s: WorkerState, worker: number): WorkerFigures {
  const measured = new Recorder();
  measured.merge(s.result!.measured);
  const warmup = new Recorder();
  warmup.merge(s.result!.warmup);
  const { cpu_ms, wall_ms, cores } = s.result!.usage;
  const cpu = wall_ms > 0 ? Math.round((1000 * cpu_ms) / wall_ms) / 10 : 0;
  return {
    worker,
    where: s.where,
    count: measured.totals().count,
    errors: measured.totals().errors,
    warmup_count: warmup.totals().count,
    cpu_pct_of_core: cpu,
    headroom_pct: Math.max(0, Math.round((100 - cpu) * 10) / 10),
    machine_cores: cores,
  };
}

/** One line a second: elapsed, phase, req/s over the last second, errors, p99 so far, sessions. */
function startProgress(
  states: WorkerState[],
  startAt: number,
  print: (line: string) => void,
): NodeJS.Timeout {
  let lastRequests = 0;
  let lastAt = Date.now();
  return setInterval(() => {
    const now = Date.now();
    const requests = states.reduce((n, s) => n + s.requests, 0);
    const errors = states.reduce((n, s) => n + s.errors, 0);
    const sessions = states.reduce((n, s) => n + s.sessions, 0);
    const merged = newHistogram();
    for (const s of states) if (s.histogram) merged.add(hdr.decodeFromCompressedBase64(s.histogram));
    const rps = ((requests - lastRequests) * 1000) / Math.max(1, now - lastAt);
    lastRequests = requests;
    lastAt = now;
    const phase = states.map((s) => s.phase).sort()[0] ?? 'starting';
    const p99 = merged.totalCount ? `${(merged.getValueAtPercentile(99) / 1000).toFixed(1)} ms` : '-';
    print(
      `[${String(Math.max(0, Math.round((now - startAt) / 1000))).padStart(4)} s] ${phase.padEnd(8)} ` +
        `${Math.round(rps).toString().padStart(6)} req/s  errors ${errors}  p99 ${p99}  sessions ${sessions}`,
    );
  }, 1000);
}
