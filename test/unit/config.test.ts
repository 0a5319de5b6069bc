import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.js';

test('the embedded database replicates nothing; a DATABASE_URL is taken for statement replication unless told', () => {
  assert.equal(loadConfig({}, {}).databaseReplication, 'none');
  assert.equal(loadConfig({}, { DATABASE_URL: 'postgres://u@h:1/db' }).databaseReplication, 'statement');
  assert.equal(loadConfig({ databaseUrl: 'postgres://u@h:1/db' }, {}).databaseReplication, 'statement');
  const streaming = loadConfig(
    {},
    { DATABASE_URL: 'postgres://u@h:1/db', BAZAAR_DATABASE_REPLICATION: 'streaming' },
  );
  assert.equal(streaming.databaseReplication, 'streaming');
});

test('pooled connections are warmed before serving behind a DATABASE_URL, not for the embedded database', () => {
  assert.equal(loadConfig({}, {}).databaseWarm, false);
  assert.equal(loadConfig({}, { DATABASE_URL: 'postgres://u@h:1/db' }).databaseWarm, true);
  assert.equal(loadConfig({}, { BAZAAR_DATABASE_WARM: 'on' }).databaseWarm, true);
  assert.equal(
    loadConfig({}, { DATABASE_URL: 'postgres://u@h:1/db', BAZAAR_DATABASE_WARM: 'off' }).databaseWarm,
    false,
  );
  assert.throws(() => loadConfig({}, { BAZAAR_DATABASE_WARM: 'yes' }), ConfigError);
});

test('every bad setting is reported at once', () => {
  assert.throws(
    () => loadConfig({}, { BAZAAR_DATABASE_REPLICATION: 'logical', PORT: 'eighty' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.length === 2 &&
      error.problems.some((p) =>
        p.startsWith('BAZAAR_DATABASE_REPLICATION must be one of none, statement, streaming'),
      ) &&
      error.problems.some((p) => p.startsWith('PORT must be an integer')),
  );
});

test('the product cache: 5 s and 10,000 cards by default, 0 turns it off, bad values reported', () => {
  const defaults = loadConfig({}, {});
  assert.deepEqual(
    [defaults.productCacheTtlMs, defaults.productCacheSize, defaults.changeFeedUrl],
    [5000, 10_000, undefined],
  );
  assert.equal(loadConfig({}, { BAZAAR_PRODUCT_CACHE_TTL: '0' }).productCacheTtlMs, 0);
  assert.equal(loadConfig({}, { BAZAAR_PRODUCT_CACHE_TTL: '250ms' }).productCacheTtlMs, 250);
  assert.equal(
    loadConfig({}, { BAZAAR_CHANGE_FEED_URL: 'postgres://u@h1:1,h2:2/db' }).changeFeedUrl,
    'postgres://u@h1:1,h2:2/db',
  );
  assert.throws(
    () => loadConfig({}, { BAZAAR_PRODUCT_CACHE_TTL: '2h', BAZAAR_PRODUCT_CACHE_SIZE: 'many' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.some((p) => p.startsWith('BAZAAR_PRODUCT_CACHE_TTL must be at most 1h')) &&
      error.problems.some((p) => p.startsWith('BAZAAR_PRODUCT_CACHE_SIZE')),
  );
});

test('KAFKA_BROKERS: a list of host:port switches order events to Kafka; absent, they stay in process', () => {
  assert.equal(loadConfig({}, {}).kafkaBrokers, undefined);
  assert.deepEqual(loadConfig({}, { KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092' }).kafkaBrokers, [
    '127.0.0.1:9092',
    'kafka-2:9092',
  ]);
  for (const bad of ['127.0.0.1', 'a:b', ',', 'host:9092;other:9092'])
    assert.throws(() => loadConfig({}, { KAFKA_BROKERS: bad }), /KAFKA_BROKERS must be host:port/, bad);
});

test('a command with a port of its own (the notifier, 9100) keeps it unless PORT or a flag says otherwise', () => {
  assert.equal(loadConfig({}, {}, { port: 9100 }).port, 9100);
  assert.equal(loadConfig({}, { PORT: '9200' }, { port: 9100 }).port, 9200);
  assert.equal(loadConfig({ port: '9300' }, { PORT: '9200' }, { port: 9100 }).port, 9300);
  assert.equal(loadConfig({}, {}).port, 8080);
});

test('the loaded settings are frozen through: a nested store setting cannot be changed', () => {
  const config = loadConfig(
    {},
    { CART_STORE: 'redis', REDIS_SENTINELS: '127.0.0.1:26379', BAZAAR_CORS_ORIGINS: 'https://shop.example' },
  );
  assert.ok(config.redis?.kind === 'sentinel');
  assert.throws(() => {
    (config.redis as { masterName: string }).masterName = 'other';
  }, TypeError);
  assert.throws(() => (config.redis as { sentinels: unknown[] }).sentinels.push({}), TypeError);
  assert.throws(() => (config.corsOrigins as string[]).push('https://evil.example'), TypeError);
});

test('every bad setting is reported at once, the stores and secrets among them', () => {
  assert.throws(
    () =>
      loadConfig(
        {},
        {
          CART_STORE: 'redis',
          REDIS_SENTINELS: 'nowhere',
          BAZAAR_AUTH_SECRET: 'short',
          BAZAAR_ORDER_TTL: '10ms',
        },
      ),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.length === 3 &&
      error.problems.some((p) => p.startsWith('REDIS_SENTINELS')) &&
      error.problems.includes('BAZAAR_AUTH_SECRET must be at least 16 characters') &&
      error.problems.includes('BAZAAR_ORDER_TTL must be at least 1s'),
  );
});
