const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `30s`, `10m`, `1h` or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: "${text}" (use e.g. 500ms, 30s, 10m)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}
