import { InvalidArgumentError } from 'commander';
import { KINDS } from '../cluster/registry.js';

// How `cluster up`'s values are read: each refuses what it cannot mean, saying what it expects.

export function bounded(name: string, [min, max]: readonly [number, number]) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
}

export function ratio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('a number in 0..1 (0.05: one request in twenty)');
  return n;
}

export function linkRate(value: string): string {
  if (!/^\d+(\.\d+)?(kbit|mbit|gbit)$/.test(value))
    throw new InvalidArgumentError('a rate such as 100mbit, 512kbit or 1gbit');
  return value;
}

export function linkDelay(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 10_000) throw new InvalidArgumentError('milliseconds in 0..10000');
  return n;
}

/** `0.2` for every host, or `api=0.25,postgres=0.3` per kind. */
export function hostCpu(value: string): Record<string, number> {
  const quota = (raw: string, what: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0.01 || n > 8)
      throw new InvalidArgumentError(`${what} must be a number of cores in 0.01..8`);
    return n;
  };
  if (!value.includes('=')) return { '*': quota(value, '--host-cpu') };
  const kinds = new Set(KINDS.map((k) => k.name));
  const result: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [kind, raw] = part.split('=');
    if (!kind || !kinds.has(kind) || raw === undefined)
      throw new InvalidArgumentError(
        `--host-cpu: "${part}" is not kind=cores (kinds: ${[...kinds].join(', ')})`,
      );
    result[kind] = quota(raw, `--host-cpu ${kind}`);
  }
  return result;
}
