/** What one kind of traffic saw: its attempts and failures, and what the store acknowledged. */
export interface TrafficReport {
  attempts: number;
  failedAttempts: number;
  acknowledged: Map<string, string>;
  unresolved: number;
  failuresByStatus: Record<string, number>;
  /** The longest any single request took to be answered or to fail, in ms. */
  longestMs: number;
  /** The first few failures' answers, to say why. */
  samples: string[];
  /** The last few failures, with the time since the traffic started, to say why it stopped. */
  lastFailures: string[];
}

/** One request as its client saw it: when it started and ended, and its answer. */
export interface RequestRecord {
  op: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** The HTTP status, or `network` when no answer came (refused, reset, timed out). */
  status: number | 'network';
  /** A write the store acknowledged (2xx to a request that changes something). */
  acknowledgedWrite: boolean;
}

/** Where every request of a run is recorded (the history the checker and the figures read). */
export class RequestLog {
  readonly records: RequestRecord[] = [];

  add(record: RequestRecord): void {
    this.records.push(record);
  }
}

export function emptyReport(): TrafficReport {
  return {
    attempts: 0,
    failedAttempts: 0,
    acknowledged: new Map(),
    unresolved: 0,
    failuresByStatus: {},
    longestMs: 0,
    samples: [],
    lastFailures: [],
  };
}

/** A request that got no answer: why, as the client saw it. */
export interface NoAnswer {
  status?: undefined;
  error: string;
}

/** A summary of a report's failures for an assertion message. */
export function failureSummary(report: TrafficReport): string {
  return `first failures: ${report.samples.join(' | ')}; last: ${report.lastFailures.join(' | ')}`;
}

/** Counts a failed attempt in the report, then waits a moment before the caller tries again. */
export function countFailure(
  report: TrafficReport,
  started: number,
  outcome: { status: number; body: unknown } | NoAnswer,
): Promise<void> {
  const status = outcome.status;
  report.failedAttempts++;
  const said =
    status === undefined
      ? `no answer (${(outcome as NoAnswer).error})`
      : `${status} ${JSON.stringify(outcome.body)}`;
  if (report.samples.length < 5) report.samples.push(said);
  report.lastFailures.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${said}`);
  if (report.lastFailures.length > 5) report.lastFailures.shift();
  const key = status === undefined ? 'network' : String(status);
  report.failuresByStatus[key] = (report.failuresByStatus[key] ?? 0) + 1;
  return new Promise((r) => setTimeout(r, 250));
}
