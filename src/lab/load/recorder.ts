import * as hdr from 'hdr-histogram-js';
import { OPERATIONS, type OperationName } from './operations.js';

/** Microsecond resolution up to an hour, 3 significant digits (docs/lab.md). */
export function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export interface Tally {
  count: number;
  errors: number;
}

interface OperationRecord extends Tally {
  histogram: hdr.Histogram;
  statuses: Record<string, number>;
}

/** What crosses the process boundary from a worker: histograms compressed, the rest plain. */
export interface WireRecord {
  operations: Record<string, Tally & { statuses: Record<string, number>; histogram: string }>;
  errorsByStatus: Record<string, number>;
  perTarget: Record<string, Tally>;
  retries: number;
}

/**
 * Per-operation HDR histograms plus the counters docs/lab.md reports. A request is counted once, when
 * its last attempt ends; attempts on each target are counted per target.
 */
export class Recorder {
  readonly operations = new Map<OperationName, OperationRecord>();
  readonly errorsByStatus: Record<string, number> = {};
  readonly perTarget: Record<string, Tally> = {};
  retries = 0;

  record(op: OperationName, micros: number, status: string, error: boolean): void {
    const rec = this.operation(op);
    rec.histogram.recordValue(Math.max(1, Math.round(micros)));
    rec.count++;
    rec.statuses[status] = (rec.statuses[status] ?? 0) + 1;
    if (error) {
      rec.errors++;
      this.errorsByStatus[status] = (this.errorsByStatus[status] ?? 0) + 1;
    }
  }

  attempt(target: string, error: boolean): void {
    const t = (this.perTarget[target] ??= { count: 0, errors: 0 });
    t.count++;
    if (error) t.errors++;
  }

  totals(): Tally {
    let count = 0;
    let errors = 0;
    for (const rec of this.operations.values()) {
      count += rec.count;
      errors += rec.errors;
    }
    return { count, errors };
  }

  /** Every operation's histogram added into one. */
  combined(filter: (op: OperationName) => boolean = () => true): hdr.Histogram {
    const all = newHistogram();
    for (const [op, rec] of this.operations) if (filter(op)) all.add(rec.histogram);
    return all;
  }

  toWire(): WireRecord {
    const operations: WireRecord['operations'] = {};
    for (const [op, rec] of this.operations) {
      operations[op] = {
        count: rec.count,
        errors: rec.errors,
        statuses: rec.statuses,
        histogram: hdr.encodeIntoCompressedBase64(rec.histogram),
      };
    }
    return {
      operations,
      errorsByStatus: this.errorsByStatus,
      perTarget: this.perTarget,
      retries: this.retries,
    };
  }

  /** Adds a worker's record to this one (histograms add bucket by bucket, so percentiles stay exact). */
  merge(wire: WireRecord): void {
    for (const [name, w] of Object.entries(wire.operations)) {
      if (!(name in OPERATIONS)) continue;
      const rec = this.operation(name as OperationName);
      rec.histogram.add(hdr.decodeFromCompressedBase64(w.histogram));
      rec.count += w.count;
      rec.errors += w.errors;
      for (const [s, n] of Object.entries(w.statuses)) rec.statuses[s] = (rec.statuses[s] ?? 0) + n;
    }
    for (const [s, n] of Object.entries(wire.errorsByStatus))
      this.errorsByStatus[s] = (this.errorsByStatus[s] ?? 0) + n;
    for (const [t, tally] of Object.entries(wire.perTarget)) {
      const mine = (this.perTarget[t] ??= { count: 0, errors: 0 });
      mine.count += tally.count;
      mine.errors += tally.errors;
    }
    this.retries += wire.retries;
  }

  private operation(op: OperationName): OperationRecord {
    let rec = this.operations.get(op);
    if (!rec) {
      rec = { histogram: newHistogram(), count: 0, errors: 0, statuses: {} };
      this.operations.set(op, rec);
    }
    return rec;
  }
}
