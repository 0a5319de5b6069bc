import { parseDuration } from '../platform/duration.js';

/**
 * Reads settings from flags and the environment, collecting every problem instead of stopping at
 * the first: a value that is wrong is reported and its default used, so that one start names
 * every bad variable at once. An empty variable counts as unset.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly flags: Readonly<Record<string, string | undefined>> = {},
  ) {}

  /** A flag if given, else the variable. */
  text(name: string, flag?: string): string | undefined {
    return (flag === undefined ? undefined : this.flags[flag]) ?? nonEmpty(this.env[name]);
  }

  int(name: string, fallback: number, min: number, max: number, flag?: string): number {
    const raw = this.text(name, flag);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, flag?: string): T {
    const raw = this.text(name, flag);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  /** A duration (`10m`, `500ms`) of at least `minMs`. */
  duration(name: string, fallback: number, minMs: number, minText: string): number {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    try {
      const ms = parseDuration(raw);
      if (ms >= minMs) return ms;
      this.problems.push(`${name} must be at least ${minText}`);
    } catch (error) {
      this.problems.push(`${name}: ${(error as Error).message}`);
    }
    return fallback;
  }

  /** A cache's lifetime: a duration up to 1h, or 0 (off). */
  cacheTtl(name: string, fallback: number): number {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    try {
      const ms = raw === '0' ? 0 : parseDuration(raw);
      if (ms <= 3_600_000) return ms;
      this.problems.push(`${name} must be at most 1h`);
    } catch (error) {
      this.problems.push(`${name}: ${(error as Error).message}`);
    }
    return fallback;
  }

  /** A comma-separated list, blanks dropped. */
  list(name: string): readonly string[] {
    return (this.text(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** A secret of at least `minLength` characters, when set. */
  secret(name: string, minLength: number): string | undefined {
    const value = this.text(name);
    if (value !== undefined && value.length < minLength)
      this.problems.push(`${name} must be at least ${minLength} characters`);
    return value;
  }

  /** The result of a parser that answers a problem as a string (the stores' settings). */
  parsed<T>(result: T | string): T | undefined {
    if (typeof result !== 'string') return result;
    this.problems.push(result);
    return undefined;
  }
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Freezes a value and everything it holds, so that no part of a loaded setting can change. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}
