import { loadConfig, type ServeFlags } from '../config/config.js';
import { openApp } from './open-app.js';
import { createLogger } from '../platform/logger.js';
import { createProgress } from '../platform/progress.js';
import { analyzeSeededTables } from '../adapters/postgres/statistics.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { seedDemoData } from '../seed/seeder.js';
import { DEMO_CUSTOMER_PASSWORD, demoCustomerEmail } from '../seed/demo-data.js';
import { stateSecret } from './state-files.js';

/** `bazaar serve`: one API instance, on the embedded PostgreSQL unless DATABASE_URL is given. */
export async function serve(flags: ServeFlags): Promise<void> {
  const started = Date.now();
  const config = loadConfig(flags);
  const logger = createLogger(config.logLevel, 'bazaar', { instance: config.instanceId });
  // From here on, a signal or an uncaught error stops whatever this process has started.
  const lifecycle = new Lifecycle(logger).install();
  const admin = config.adminPassword
    ? { value: config.adminPassword, created: false, path: 'BAZAAR_ADMIN_PASSWORD' }
    : await stateSecret(config.stateDir, 'admin-password', 12);
  const opened = await openApp(config, logger, lifecycle, { command: 'serve', whenOwned: 'refuse' });
  const { app, embedded } = opened;
  try {
    await app.users.ensureAdmin(config.adminEmail, admin.value);

    const seedWanted =
      config.seedOnStart === 'on' || (config.seedOnStart === 'auto' && embedded !== undefined);
    if (seedWanted && (await app.stores.catalog.count()) === 0) {
      logger.info(
        { products: config.seedProducts, users: config.seedUsers },
        'first start: seeding the demo catalogue',
      );
      await seedDemoData(
        app.stores,
        { products: config.seedProducts, users: config.seedUsers, seed: config.seed },
        createProgress(logger),
      );
      await analyzeSeededTables(app.db);
    }

    await app.http.listen({ host: config.host, port: config.port });
    app.startJobs();
    const address = app.http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    await embedded?.describe(base);
    const lines = [
      `Bazaar is serving on ${base}  (instance ${config.instanceId}, Node.js ${process.version}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  API docs:  ${base}/docs   OpenAPI: ${base}/openapi.json`,
      `  Admin:     ${config.adminEmail}, password in ${admin.path}`,
    ];
    // Shown the one time to a person at a terminal; output that is collected (a pipe, a file, a
    // supervisor's journal) is a log, and a log never holds a password: it says where the file is.
    if (admin.created && process.stdout.isTTY) lines.push(`             (generated now: ${admin.value})`);
    else if (admin.created) lines.push(`             (generated now; only its owner can read the file)`);
    if (embedded)
      lines.push(
        `  Demo customers: customer1..customer${config.seedUsers}@bazaar.local (e.g. ${demoCustomerEmail(1)}), password "${DEMO_CUSTOMER_PASSWORD}"`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    // A start that fails half-way (port taken, seeding failed) leaves nothing running.
    await opened.close().catch(() => undefined);
    throw error;
  }
  // SIGTERM or SIGINT (to this process or its group) drains in-flight requests (app.close), then
  // stops the embedded PostgreSQL: the lifecycle runs what openApp registered.
}
