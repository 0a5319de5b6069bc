import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { isServerKind } from '../../src/cluster/kind.js';
import type { Topology } from '../../src/cluster/layout.js';
import { KINDS, STAGES } from '../../src/cluster/registry.js';
import { collision, declaredPlacements } from '../../src/cluster/placement-plan.js';
import { keptTopology } from '../../src/cluster/state.js';
import { loadClusterSettings } from '../../src/config/cluster-settings.js';
import { loadApiBenchSettings } from '../../src/config/lab-settings.js';
import { ConfigError } from '../../src/config/config.js';

const everything: Topology = {
  counts: { postgres: 5, pgpool: 4, api: 8, nginx: 4, redis: 5, cassandra: 3, kafka: 3, notifier: 4 },
  mode: 'native',
  basePort: 20000,
  dir: '/tmp/x',
  seedProducts: 0,
  observability: true,
};

test('every stage depends only on stages listed before it: the registry is in dependency order', () => {
  const seen = new Set<string>();
  for (const stage of STAGES) {
    for (const dependency of stage.dependsOn)
      assert.ok(seen.has(dependency), `${stage.name} needs ${dependency} first`);
    assert.ok(!seen.has(stage.name), `${stage.name} listed twice`);
    seen.add(stage.name);
  }
  assert.deepEqual(
    KINDS.map((k) => k.name),
    STAGES.filter(isServerKind).map((k) => k.name),
  );
});

test('no two instances of any kinds share an address, at the largest topology', () => {
  const taken = new Map<string, string>();
  for (const kind of KINDS) {
    for (let i = 0; i < kind.count(everything); i++) {
      const { host, port } = kind.address(everything, i);
      const key = `${host}:${port}`;
      assert.ok(!taken.has(key), `${kind.name}:${i} and ${taken.get(key)} both on ${key}`);
      taken.set(key, `${kind.name}:${i}`);
    }
  }
});

test('only the kinds a topology uses are counted: a plain cluster needs no Java', () => {
  const plain: Topology = {
    ...everything,
    counts: { ...everything.counts, redis: 0, cassandra: 0, kafka: 0, notifier: 0 },
    observability: false,
  };
  const settings = loadClusterSettings({ HOME: '/root' });
  const needed = KINDS.filter((k) => k.count(plain) > 0).flatMap((k) =>
    k.requirements(settings).map((r) => r.name),
  );
  assert.ok(!needed.some((n) => /Java|Maven|Cassandra|Kafka/.test(n)), needed.join(', '));
  assert.ok(needed.includes('pgpool-II') && needed.includes('nginx'));
});

test('cluster settings: the caller BAZAAR_* pass on to the API instances, nothing else of the shell', () => {
  const s = loadClusterSettings({
    PATH: '/bin',
    HOME: '/root',
    BAZAAR_ORDER_TTL: '6s',
    BAZAAR_ADMIN_EMAIL: 'ops@shop.test',
    DATABASE_URL: 'postgres://elsewhere/db',
    XDG_CACHE_HOME: '/cache',
  });
  assert.equal(s.adminEmail, 'ops@shop.test');
  assert.equal(s.cacheDir, '/cache/bazaar');
  assert.equal(s.passedEnv['BAZAAR_ORDER_TTL'], '6s');
  assert.equal(s.passedEnv['DATABASE_URL'], undefined);
  assert.ok(Object.isFrozen(s));
  assert.equal(
    loadClusterSettings({}, { adminPassword: 'chosen-here' }).passedEnv['BAZAAR_ADMIN_PASSWORD'],
    'chosen-here',
  );
});

test('lab settings report every bad value at once', () => {
  assert.throws(
    () => loadApiBenchSettings({ BENCH_DURATION: '0', BENCH_CONNECTIONS: 'many' }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 2,
  );
  assert.equal(loadApiBenchSettings({}).connections, 32);
});

/** The value imports of every module under src (type-only imports left out), by path. */
function importGraph(): Map<string, string[]> {
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const imports = [...text.matchAll(/^(?:import|export)(?! type)[^'";]*?['"](\.[^'"]+)['"]/gms)].map((m) =>
      relative(root, resolve(root, dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    );
    graph.set(file, imports);
  }
  return graph;
}

test('every module outside the launcher that looks up an address by kind loads the registry first', () => {
  // A kind declares its ports and host as its module loads (placement-plan.ts): a lookup made
  // before the registry is loaded finds nothing.
  const graph = importGraph();
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
    for (const next of graph.get(from) ?? []) {
      if (next === target) return true;
      if (!seen.has(next)) {
        seen.add(next);
        if (reaches(next, target, seen)) return true;
      }
    }
    return false;
  };
  const outside = [...graph.keys()].filter((f) => !f.startsWith('cluster/'));
  const looking = outside.filter((f) => reaches(f, 'cluster/addresses.ts'));
  assert.ok(looking.includes('lab/load/load-run.ts'), looking.join(', '));
  const without = looking.filter((f) => !reaches(f, 'cluster/registry.ts'));
  assert.deepEqual(without, []);
});

test('no two kinds declare the same port, overlapping ports or host numbers, or the same host code', () => {
  const placements = declaredPlacements();
  assert.ok(placements.some((p) => p.name === 'postgres') && placements.length > KINDS.length - 4);
  placements.forEach((p, i) => assert.equal(collision(p, placements.slice(0, i)), undefined));
  const postgres = placements.find((p) => p.name === 'postgres')!;
  assert.match(
    collision(
      { ...postgres, name: 'scratch', host: { ...postgres.host!, code: 'zz' }, ports: {} },
      placements,
    )!,
    /host block 10 overlaps postgres/,
  );
  assert.match(
    collision({ name: 'scratch', maxInstances: 2, ports: { s: { offset: 51, standard: 1 } } }, placements)!,
    /overlaps api's api/,
  );
});

test('a cluster.json from before counts by kind is read as counts, so status and down still find its servers', () => {
  const old = { pg: 2, pgpool: 3, api: 2, nginx: 1, redis: 3, notifiers: 1, mode: 'native', basePort: 21000 };
  const t = keptTopology(old as unknown as Topology & Record<string, unknown>);
  assert.deepEqual(t.counts, { postgres: 2, pgpool: 3, api: 2, nginx: 1, redis: 3, notifier: 1 });
  assert.equal(t.basePort, 21000);
  assert.equal('pg' in t, false);
  assert.equal(KINDS.find((k) => k.name === 'pgpool')!.count(t), 3);
  assert.equal(keptTopology(t as Topology & Record<string, unknown>), t);
});
