import { after, before } from 'node:test';
import { randomUUID } from 'node:crypto';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newCustomer, newProduct, startTestApp, type TestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { cartStoreContract } from '../support/cart-store-contract.js';
import { catalogStoreContract } from '../support/catalog-store-contract.js';
import { FakeCartStore } from '../service/fakes.js';
import { PostgresCartStore } from '../../src/adapters/postgres/carts.store.js';
import { RedisCartStore } from '../../src/adapters/redis/carts.store.js';
import { RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { parseRedisSettings, type RedisSettings } from '../../src/config/redis-settings.js';
import { createLogger } from '../../src/platform/logger.js';
import { Metrics } from '../../src/platform/metrics.js';

// One suite per storage port, run against every implementation here: the cart store's fake (the
// one the service tests trust), PostgreSQL (its rows need a user and products that exist) and
// Redis; the catalog store's PostgreSQL (its Cassandra store runs the same suite in
// catalog-cassandra.test.ts, beside the ring that suite starts).
let db: TestDatabase;
let app: TestApp;
let redis: TestRedis;
let connection: RedisConnection;

before(async () => {
  db = await startTestDatabase();
  app = await startTestApp(db.url);
  redis = await startRedis();
  connection = new RedisConnection(
    parseRedisSettings(undefined, undefined, redis.url) as RedisSettings,
    createLogger('silent'),
  );
  await connection.start();
});
after(async () => {
  await connection?.close();
  await redis?.stop();
  await app?.close();
  await db?.stop();
});

const anyId = async () => randomUUID();

cartStoreContract('in-memory fake', () => ({ store: new FakeCartStore(), user: anyId, product: anyId }));
cartStoreContract('PostgreSQL', () => ({
  store: new PostgresCartStore(app.app.db),
  user: async () => (await newCustomer(app.client)).id,
  product: async () => (await newProduct(app.client, app.adminToken)).id,
}));
cartStoreContract('Redis', () => ({
  store: new RedisCartStore(connection, new Metrics()),
  user: anyId,
  product: anyId,
}));

catalogStoreContract('PostgreSQL', () => app.app.stores.catalog);
