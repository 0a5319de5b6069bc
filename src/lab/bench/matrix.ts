import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { PgMode } from '../../cluster/layout.js';
import { countsFrom, optionName, refusedCounts, type CountOption } from '../../cluster/kind.js';
import { KINDS } from '../../cluster/registry.js';
import { parseDuration } from '../../platform/duration.js';

/** Every kind's count option, by the name a matrix writes it (`pg`, `pgpool`, `redis`...). */
const COUNTED = KINDS.flatMap((kind) => (kind.countOption ? [{ kind, option: kind.countOption }] : []));
const countKnob = (o: CountOption) => Type.Optional(Type.Integer({ minimum: o.min, maximum: o.max }));
// Built from the registry, so its keys are not known to the type: a configuration reads them as KnobValues.
const Knobs: TProperties = {
  ...Object.fromEntries(COUNTED.map(({ option }) => [optionName(option), countKnob(option)])),
  mode: Type.Optional(Type.Union([Type.Literal('native'), Type.Literal('streaming')])),
};
/** A configuration's knobs as a matrix writes them: counts by option name, and the mode. */
export interface KnobValues {
  mode?: PgMode;
  [knob: string]: unknown;
}
const Duration = Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h)?$' });

const MatrixSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    seed: Type.Object({ products: Type.Integer({ minimum: 1 }), customers: Type.Integer({ minimum: 1 }) }),
    /** `auto`: a simulated host per component where the machine allows it (root, namespaces), else loopback. */
    placement: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('hosts'), Type.Literal('loopback')]),
    ),
    /**
     * Prometheus and the exporters in every configuration (the report's "where the time goes");
     * absent: when they are installed or installable.
     */
    observability: Type.Optional(Type.Boolean()),
    /** Each measurement is repeated this often within one `cluster up` (median, min and max reported). */
    repeats: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    /**
     * The baseline is measured this often, each time in a cluster of its own, spread evenly over
     * the bench (first, between the others, last): how much it differs from itself is the drift
     * every comparison must exceed (default 3; 1 measures no drift and names no difference).
     */
    baseline_sessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    load: Type.Object({
      /** Closed model: this many shopaholics back to back, for the saturation throughput. */
      users: Type.Integer({ minimum: 1 }),
      /** Open model: sessions per second, the same for every configuration. */
      arrival: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      /** Without `arrival`: this share of the baseline's saturation (its sessions/s). */
      open_share: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
      max_sessions: Type.Optional(Type.Integer({ minimum: 1 })),
      think: Duration,
      warmup: Duration,
      duration: Duration,
      workers: Type.Integer({ minimum: 1, maximum: 64 }),
      scenario: Type.String(),
      seed: Type.Integer({ minimum: 0 }),
    }),
    baseline: Type.Object(Knobs, { additionalProperties: false }),
    factors: Type.Array(
      Type.Object({
        name: Type.String(),
        /** A count option of `cluster up`, without its dashes (`api`, `pgpool`). */
        key: Type.Union(COUNTED.map(({ option }) => Type.Literal(optionName(option)))),
        values: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }),
        /** Settings this factor's configurations take besides the baseline's (e.g. mode: streaming). */
        with: Type.Optional(Type.Object(Knobs, { additionalProperties: false })),
      }),
    ),
    stages: Type.Optional(
      Type.Object({
        name: Type.String(),
        steps: Type.Array(
          Type.Object(
            {
              name: Type.String(),
              /** Measured as a configuration of its own even when its settings were measured already (an A/A check). */
              again: Type.Optional(Type.Boolean()),
              ...Knobs,
            },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
      }),
    ),
  },
  { additionalProperties: false },
);
type CheckedMatrix = Static<typeof MatrixSchema>;
/** A matrix file, as its schema checks it; the knobs typed by hand (their keys come from the registry). */
export type Matrix = Omit<CheckedMatrix, 'baseline' | 'factors' | 'stages'> & {
  baseline: KnobValues;
  factors: Array<{ name: string; key: string; values: number[]; with?: KnobValues }>;
  stages?: { name: string; steps: Array<KnobValues & { name: string; again?: boolean }> };
};

export interface Configuration {
  /** Short and unique, e.g. "pg1-pgpool2-api2-nginx2". */
  id: string;
  /** Instances of each counted kind, by kind name (as a topology's counts). */
  counts: Record<string, number>;
  mode: PgMode;
}

/** A chart's worth of runs: one factor's values, or the storage stages, with their labels. */
export interface Group {
  name: string;
  members: Array<{ label: string; configuration: string; baseline: boolean; count?: number }>;
  /** For a factor: the count option it varies (its members' `count` is that count). */
  key?: string;
}

/** One cluster of the bench: a configuration, or one of the baseline's sessions. */
export interface ScheduledRun {
  configuration: Configuration;
  /** For the baseline: which of its sessions (1 first). */
  baselineSession?: number;
}

export interface Plan {
  configurations: Configuration[];
  baseline: string;
  groups: Group[];
  /** The order the clusters run in: the baseline's sessions spread evenly among the others. */
  schedule: ScheduledRun[];
}

/** How often a matrix measures its baseline. */
export function baselineSessions(matrix: Pick<Matrix, 'baseline_sessions'>): number {
  return matrix.baseline_sessions ?? 3;
}

const validate = new Ajv({ allErrors: true }).compile<Matrix>(MatrixSchema);
export const MATRICES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lab/matrices');

export async function loadMatrix(path: string): Promise<Matrix> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(`matrix file not found: ${path}`);
  });
  const data: unknown = /\.json$/.test(path) ? JSON.parse(text) : parseYaml(text);
  if (!validate(data)) {
    const problems = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`matrix ${path} is invalid: ${problems}`);
  }
  if (data.load.arrival !== undefined && data.load.open_share !== undefined)
    throw new Error(
      `matrix ${path}: load takes arrival (a fixed rate) or open_share (of the baseline), not both`,
    );
  parseDuration(data.load.duration);
  return data;
}

/**
 * A configuration from a matrix's knobs: each count as `cluster up` would take it. Its id names
 * every count whose default is not 0 (pg, pgpool, api, nginx), then the mode when not native,
 * then the other kinds that run (a count that follows another only when it differs).
 */
function configuration(knobs: KnobValues): Configuration {
  const counts = countsFrom(KINDS, knobs);
  const refused = refusedCounts(KINDS, counts);
  if (refused) throw new Error(`matrix: ${refused.replace(/--([a-z-]+)/g, '$1')}`);
  const mode = knobs.mode ?? 'native';
  const part = ({ kind, option }: (typeof COUNTED)[number]) => `${optionName(option)}${counts[kind.name]}`;
  const tiers = COUNTED.filter(({ option }) => (option.default ?? 0) > 0).map(part);
  const others = COUNTED.filter(({ kind, option }) => {
    const n = counts[kind.name] ?? 0;
    if ((option.default ?? 0) > 0 || n === 0) return false;
    return !option.follows || n !== option.follows(counts);
  }).map(part);
  const id = [...tiers, ...(mode === 'native' ? [] : [mode]), ...others].join('-');
  return { id, counts, mode };
}

/** One factor at a time around the baseline, then the stages; each distinct configuration runs once. */
export function plan(matrix: Matrix): Plan {
  const baseline = configuration(matrix.baseline);
  const byId = new Map<string, Configuration>([[baseline.id, baseline]]);
  const groups: Group[] = [];
  for (const factor of matrix.factors) {
    const members = factor.values.map((value) => {
      const c = configuration({ ...matrix.baseline, ...factor.with, [factor.key]: value });
      byId.set(c.id, c);
      return {
        label: `${factor.key} ${value}`,
        configuration: c.id,
        baseline: c.id === baseline.id,
        count: value,
      };
    });
    groups.push({ name: factor.name, key: factor.key, members });
  }
  if (matrix.stages) {
    const members = matrix.stages.steps.map(({ name, again, ...knobs }) => {
      const settings = configuration({ ...matrix.baseline, ...knobs });
      const c = again ? { ...settings, id: `${settings.id}-again` } : settings;
      byId.set(c.id, c);
      return { label: name, configuration: c.id, baseline: c.id === baseline.id };
    });
    groups.push({ name: matrix.stages.name, members });
  }
  const configurations = [...byId.values()];
  return {
    configurations,
    baseline: baseline.id,
    groups,
    schedule: schedule(baseline, configurations.slice(1), baselineSessions(matrix)),
  };
}

/**
 * The baseline's sessions at even fractions of the bench (0, 1/(k-1), ..., 1) and the other
 * configurations at (i+1)/(n+1), in that order; the baseline first where they meet. A slow or
 * fast period of the machine then falls on baseline sessions too, and shows as their spread.
 */
export function schedule(baseline: Configuration, others: Configuration[], sessions: number): ScheduledRun[] {
  const at = (fraction: number, rank: number, run: ScheduledRun) => ({ fraction, rank, run });
  const runs = [
    ...Array.from({ length: sessions }, (_, j) =>
      at(sessions === 1 ? 0 : j / (sessions - 1), 0, { configuration: baseline, baselineSession: j + 1 }),
    ),
    ...others.map((c, i) => at((i + 1) / (others.length + 1), 1, { configuration: c })),
  ];
  return runs.sort((a, b) => a.fraction - b.fraction || a.rank - b.rank).map((r) => r.run);
}
