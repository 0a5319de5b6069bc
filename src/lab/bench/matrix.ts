import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { LIMITS, type PgMode } from '../../cluster/layout.js';
import { parseDuration } from '../../platform/duration.js';

const Count = (max: number) => Type.Integer({ minimum: 1, maximum: max });
const Knobs = {
  pg: Type.Optional(Count(LIMITS.pg[1])),
  pgpool: Type.Optional(Count(LIMITS.pgpool[1])),
  api: Type.Optional(Count(LIMITS.api[1])),
  nginx: Type.Optional(Count(LIMITS.nginx[1])),
  mode: Type.Optional(Type.Union([Type.Literal('native'), Type.Literal('streaming')])),
  redis: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
  cassandra: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  /** Kafka brokers for the order events (with one notifier); 0: delivered inside the API. */
  kafka: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(3)])),
};
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
        key: Type.Union([
          Type.Literal('pg'),
          Type.Literal('pgpool'),
          Type.Literal('api'),
          Type.Literal('nginx'),
        ]),
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
export type Matrix = Static<typeof MatrixSchema>;

export interface Configuration {
  /** Short and unique, e.g. "pg1-pgpool2-api2-nginx2". */
  id: string;
  pg: number;
  pgpool: number;
  api: number;
  nginx: number;
  mode: PgMode;
  redis: number;
  cassandra: number;
  kafka: number;
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

function configuration(knobs: Partial<Omit<Configuration, 'id'>>): Configuration {
  const c = {
    pg: knobs.pg ?? 2,
    pgpool: knobs.pgpool ?? 2,
    api: knobs.api ?? 2,
    nginx: knobs.nginx ?? 2,
    mode: knobs.mode ?? 'native',
    redis: knobs.redis ?? 0,
    cassandra: knobs.cassandra ?? 0,
    kafka: knobs.kafka ?? 0,
  };
  const stores = `${c.redis ? `-redis${c.redis}` : ''}${c.cassandra ? `-cassandra${c.cassandra}` : ''}${c.kafka ? `-kafka${c.kafka}` : ''}`;
  const mode = c.mode === 'native' ? '' : `-${c.mode}`;
  return { id: `pg${c.pg}-pgpool${c.pgpool}-api${c.api}-nginx${c.nginx}${mode}${stores}`, ...c };
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
