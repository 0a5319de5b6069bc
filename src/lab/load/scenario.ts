import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';

const Range = Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })], {
  description: '[min, max] inclusive',
});
const Share = Type.Number({ minimum: 0, maximum: 1 });

/** The shopaholic's habits: weights and counts, editable in `lab/scenarios/<name>.json`. */
export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    customers: Type.Object({
      count: Type.Integer({ minimum: 1 }),
      email: Type.String({ pattern: '\\{n\\}' }),
      password: Type.String({ minLength: 8 }),
      register_share: Share,
    }),
    admin: Type.Object({ share: Share, email: Type.String(), creates: Range, updates: Range }),
    browse: Type.Object({
      lists: Range,
      searches: Range,
      product_views: Range,
      page_size: Type.Integer({ minimum: 1, maximum: 100 }),
      categories: Type.Array(Type.String(), { minItems: 1 }),
      search_terms: Type.Array(Type.String(), { minItems: 1 }),
    }),
    cart: Type.Object({
      changes: Range,
      view_every: Type.Integer({ minimum: 1 }),
      remove_share: Share,
      readd_share: Share,
      max_quantity: Type.Integer({ minimum: 1, maximum: 999 }),
      max_lines: Type.Integer({ minimum: 1 }),
      /**
       * Product tabs open at once: before agonising, this many distinct products seen while
       * browsing are put into the cart by simultaneous requests, as a shopper's open tabs do.
       */
      tabs: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    }),
    checkout: Type.Object({ share: Share, pay_share: Share, view_orders_share: Share }),
  },
  { additionalProperties: false },
);
export type Scenario = Static<typeof ScenarioSchema>;

const validate = new Ajv({ allErrors: true }).compile<Scenario>(ScenarioSchema);

/** The repository's scenarios folder, from src/lab/load or dist/lab/load alike. */
export const SCENARIOS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lab/scenarios');

/** A bare name is a file in lab/scenarios/; anything with a slash or an extension is a path. */
export function scenarioPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || extname(nameOrPath) !== '') return resolve(nameOrPath);
  for (const ext of ['.json', '.yaml', '.yml']) {
    const candidate = join(SCENARIOS_DIR, `${nameOrPath}${ext}`);
    if (existsSync(candidate)) return candidate;
  }
  return join(SCENARIOS_DIR, `${nameOrPath}.json`);
}

export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const path = scenarioPath(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`scenario "${nameOrPath}" not found (looked for ${path})`);
  }
  const data: unknown = /\.ya?ml$/.test(path) ? parseYaml(text) : JSON.parse(text);
  if (!validate(data)) {
    const problems = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`scenario ${path} is invalid: ${problems}`);
  }
  for (const [key, range] of rangesOf(data)) {
    if (range[0] > range[1]) throw new Error(`scenario ${path}: ${key} has min > max`);
  }
  return data;
}

function rangesOf(s: Scenario): Array<[string, [number, number]]> {
  return [
    ['admin.creates', s.admin.creates],
    ['admin.updates', s.admin.updates],
    ['browse.lists', s.browse.lists],
    ['browse.searches', s.browse.searches],
    ['browse.product_views', s.browse.product_views],
    ['cart.changes', s.cart.changes],
  ];
}
