import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { Client } from './http.js';
import { freshKeyspace } from './cassandra.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough';
export const ADMIN = { email: 'admin@bazaar.test', password: 'admin-password-1' };

export interface TestApp {
  app: App;
  client: Client;
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The cart store the suites run against: PostgreSQL, or Redis when BAZAAR_TEST_REDIS_URL is set
 * (the carts-redis suite runs the contract suite that way).
 */
export function cartStoreEnv(): Record<string, string> {
  const url = process.env.BAZAAR_TEST_REDIS_URL;
  return url ? { CART_STORE: 'redis', REDIS_URL: url } : {};
}

/**
 * The catalog store the suites run against: PostgreSQL, or Cassandra when
 * BAZAAR_TEST_CASSANDRA_CONTACT_POINTS is set (each app in a keyspace of its own).
 */
export function catalogStoreEnv(): Record<string, string> {
  const contactPoints = process.env.BAZAAR_TEST_CASSANDRA_CONTACT_POINTS;
  return contactPoints
    ? {
        CATALOG_STORE: 'cassandra',
        CASSANDRA_CONTACT_POINTS: contactPoints,
        CASSANDRA_KEYSPACE: freshKeyspace(),
      }
    : {};
}

/** One API instance in this process, on a real database and a real socket (port 0). */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const stateDir = await mkdtemp(join(tmpdir(), 'bazaar-state-'));
  const config = loadConfig(
    { port: '0', instanceId: env.INSTANCE_ID ?? 'test-1' },
    {
      BAZAAR_STATE_DIR: stateDir,
      // The suites register many users from one address; the limit's own test sets it.
      BAZAAR_REGISTRATIONS_PER_MINUTE: '0',
      // The admin this app ensures is its configured one, as `bazaar serve` has it.
      BAZAAR_ADMIN_EMAIL: ADMIN.email,
      ...cartStoreEnv(),
      ...catalogStoreEnv(),
      ...env,
    },
  );
  const app = await createApp({ config, databaseUrl, authSecret: TEST_SECRET, logger: createLogger('warn') });
  await app.users.ensureAdmin(ADMIN.email, ADMIN.password);
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = new Client(`http://127.0.0.1:${port}`);
  const login = await client.post('/api/v1/auth/token', { body: ADMIN });
  const close = async () => {
    await app.close();
    await rm(stateDir, { recursive: true, force: true });
  };
  return { app, client, adminToken: login.body.token, close };
}

export { newCustomer, newProduct } from '../../src/lab/history/accounts.js';
