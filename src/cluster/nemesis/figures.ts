import type { RequestRecord } from '../../lab/history/traffic-report.js';
import type { AppliedFault } from './nemesis.js';

/** What the traffic saw around one fault. */
export interface FaultFigures {
  fault: string;
  victim: string;
  slot: string;
  /** Seconds the victim was down, and from the fault until the cluster was whole again. */
  downS: number;
  settledS?: number;
  requests: number;
  failedByStatus: Record<string, number>;
  /** The longest a request that started around the fault waited for its answer (or its failure). */
  longestWaitMs: number;
  /** From the fault to the end of the first acknowledged write sent after it. */
  firstWriteMs?: number;
  /** The longest time around the fault in which no write was acknowledged: how long writes stopped. */
  writeGapMs: number;
  error?: string;
}

/** Requests started from the fault until 2 s after the cluster settled count as its. */
const AFTER_SETTLED_MS = 2_000;

export function faultFigures(fault: AppliedFault, records: readonly RequestRecord[]): FaultFigures {
  const until = (fault.settledAt ?? fault.backAt) + AFTER_SETTLED_MS;
  const around = records.filter((r) => r.start >= fault.downAt && r.start <= until);
  const failedByStatus: Record<string, number> = {};
  let longestWaitMs = 0;
  for (const r of around) {
    if (r.status === 'network' || r.status >= 500)
      failedByStatus[String(r.status)] = (failedByStatus[String(r.status)] ?? 0) + 1;
    longestWaitMs = Math.max(longestWaitMs, r.end - r.start);
  }
  // A loop, not Math.min(...): a long soak's history has hundreds of thousands of writes.
  let firstWrite = Infinity;
  for (const r of records)
    if (r.acknowledgedWrite && r.start >= fault.downAt) firstWrite = Math.min(firstWrite, r.end);
  return {
    fault: fault.fault,
    victim: fault.victim,
    slot: fault.slot,
    downS: round((fault.backAt - fault.downAt) / 1000),
    ...(fault.settledAt ? { settledS: round((fault.settledAt - fault.downAt) / 1000) } : {}),
    requests: around.length,
    failedByStatus,
    longestWaitMs,
    ...(firstWrite < Infinity ? { firstWriteMs: firstWrite - fault.downAt } : {}),
    writeGapMs: longestWriteGap(records, fault.downAt, until),
    ...(fault.error ? { error: fault.error } : {}),
  };
}

/**
 * The longest stretch of [from, to] in which no acknowledged write ended (from `from` to the first,
 * between two, from the last to `to`): while writes go on, the gaps are milliseconds.
 */
export function longestWriteGap(records: readonly RequestRecord[], from: number, to: number): number {
  const ends = records
    .filter((r) => r.acknowledgedWrite && r.end >= from && r.end <= to)
    .map((r) => r.end)
    .sort((a, b) => a - b);
  let longest = 0;
  let previous = from;
  for (const end of [...ends, to]) {
    longest = Math.max(longest, end - previous);
    previous = end;
  }
  return longest;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
