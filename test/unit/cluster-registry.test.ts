import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServerKind } from '../../src/cluster/kind.js';
import type { Topology } from '../../src/cluster/layout.js';
import { KINDS, STAGES } from '../../src/cluster/registry.js';
import { loadClusterSettings } from '../../src/config/cluster-settings.js';
import { loadApiBenchSettings } from '../../src/config/lab-settings.js';
import { ConfigError } from '../../src/config/config.js';

const everything: Topology = {
  pg: 5,
  pgpool: 4,
  api: 8,
  nginx: 4,
  mode: 'native',
  basePort: 20000,
  dir: '/tmp/x',
  seedProducts: 0,
  redis: 5,
  cassandra: 3,
  kafka: 3,
  notifiers: 4,
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
    redis: 0,
    cassandra: 0,
    kafka: 0,
    notifiers: 0,
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
