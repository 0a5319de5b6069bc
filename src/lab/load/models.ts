import { runSession, SessionStopped, type SessionContext } from './shopaholic.js';

export type LoadModel =
  | { type: 'closed'; users: number; think_ms: number }
  | { type: 'open'; arrival_per_s: number; max_sessions: number; think_ms: number };

export interface SessionCounts {
  started: number;
  completed: number;
  not_started: number;
}

/** What a model needs from the worker: a context per session and the run's clock. */
export interface ModelRun {
  context(): SessionContext;
  /** Sessions that start while this is true count as measured. */
  measuring(): boolean;
  isOver(): boolean;
  measured: SessionCounts;
  /** Sessions running now. */
  active: number;
}

async function session(run: ModelRun): Promise<void> {
  const counted = run.measuring();
  if (counted) run.measured.started++;
  run.active++;
  try {
    await runSession(run.context());
    if (counted) run.measured.completed++;
  } catch (error) {
    if (!(error instanceof SessionStopped)) throw error;
  } finally {
    run.active--;
  }
}

/** Closed model: `users` shopaholics, each starting a new session as soon as the last one ends. */
export async function runClosed(run: ModelRun, users: number): Promise<void> {
  const user = async () => {
    while (!run.isOver()) await session(run);
  };
  await Promise.all(Array.from({ length: users }, user));
}

/**
 * Open model: arrival k is due at start + k / rate, whatever the responses do, so slow answers
 * never delay the schedule (no coordinated omission). Arrivals beyond the cap of concurrent
 * sessions are counted as not started. Workers interleave: worker w of W takes arrivals w, w+W, …
 */
export async function runOpen(
  run: ModelRun,
  startAt: number,
  endAt: number,
  rate: number,
  cap: number,
  worker: number,
  workers: number,
): Promise<void> {
  const active = new Set<Promise<void>>();
  for (let k = worker; ; k += workers) {
    const due = startAt + (k * 1000) / rate;
    if (due >= endAt || run.isOver()) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (run.isOver()) break;
    if (active.size >= cap) {
      if (run.measuring()) run.measured.not_started++;
      continue;
    }
    const s = session(run).finally(() => active.delete(s));
    active.add(s);
  }
  await Promise.all(active);
}

/** A worker's share of `total`: workers 0..total%workers-1 take one more. */
export function shareOf(total: number, worker: number, workers: number): number {
  return Math.floor(total / workers) + (worker < total % workers ? 1 : 0);
}
