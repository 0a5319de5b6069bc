/** min, median, max of some repeats of one figure. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The spread of some repeats (the median of an even count is its lower middle); null for none. */
export function spreadOf(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    median: sorted[Math.floor((sorted.length - 1) / 2)]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** The spread, or zeros for no repeats (a chart's bar of nothing). */
export function spreadOrZero(values: number[]): Spread {
  return spreadOf(values) ?? { min: 0, median: 0, max: 0 };
}

export function median(values: number[]): number {
  return spreadOrZero(values).median;
}
