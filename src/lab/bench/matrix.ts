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
        steps: Type.Array(Type.Object({ name: Type.String(), ...Knobs }, { additionalProperties: false }), {
          minItems: 1,
        }),
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
  stages?: { name: string; steps: Array<KnobValues & { name: string }> };
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
  members: Array<{ label: string; configuration: string; baseline: boolean }>;
}

export interface Plan {
  configurations: Configuration[];
  baseline: string;
  groups: Group[];
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
      return { label: `${factor.key} ${value}`, configuration: c.id, baseline: c.id === baseline.id };
    });
    groups.push({ name: factor.name, members });
  }
  if (matrix.stages) {
    const members = matrix.stages.steps.map(({ name, ...knobs }) => {
      const c = configuration({ ...matrix.baseline, ...knobs });
      byId.set(c.id, c);
      return { label: name, configuration: c.id, baseline: c.id === baseline.id };
    });
    groups.push({ name: matrix.stages.name, members });
  }
  return { configurations: [...byId.values()], baseline: baseline.id, groups };
}
