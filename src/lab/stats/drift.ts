import jstat from 'jstat';

// A configuration is measured in one cluster session, the baseline in several spread over the
// bench (ADR 25). Sessions, not runs or requests, are the unit compared: the runs of one session
// share its period of the machine (its drift), so their spread says nothing of it.

/** One figure of one configuration against the baseline's sessions: a change and its interval. */
export interface Difference {
  /** The configuration's session against the baseline sessions' geometric mean, in percent. */
  change_pct: number;
  low_pct: number;
  high_pct: number;
  /** The interval's confidence, in percent. */
  level_pct: number;
  /** The interval excludes 0: a difference is shown. */
  shown: boolean;
}

/** A session's figure on the log scale: the mean log of its runs (times and rates differ by ratios). */
export function sessionLog(values: readonly number[]): number | undefined {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return undefined;
  return positive.reduce((sum, v) => sum + Math.log(v), 0) / positive.length;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const percent = (logRatio: number) => round1((Math.exp(logRatio) - 1) * 100);

/**
 * How one session differs from k baseline sessions, as the interval a new baseline session would
 * fall in with confidence 1 - alpha (Student's t with k - 1 degrees of freedom, scaled by
 * sqrt(1 + 1/k): the new session's own drift plus the uncertainty of the baseline's mean). Under
 * no difference the session is one more baseline session, so an A/A comparison names a difference
 * with probability alpha. Undefined with fewer than two baseline sessions: no drift is known.
 */
export function differenceFromBaseline(
  baselineLogs: readonly number[],
  sessionLogValue: number,
  alpha: number,
): Difference | undefined {
  const k = baselineLogs.length;
  if (k < 2) return undefined;
  const mean = baselineLogs.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(baselineLogs.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  const half = jstat.jStat.studentt.inv(1 - alpha / 2, k - 1) * sd * Math.sqrt(1 + 1 / k);
  const d = sessionLogValue - mean;
  return {
    change_pct: percent(d),
    low_pct: percent(d - half),
    high_pct: percent(d + half),
    level_pct: round1((1 - alpha) * 100),
    shown: d - half > 0 || d + half < 0,
  };
}
