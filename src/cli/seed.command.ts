import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { createProgress } from '../platform/progress.js';
import { analyzeSeededTables } from '../adapters/postgres/statistics.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { seedDemoData } from '../seed/seeder.js';
import { openApp } from './open-app.js';

export interface SeedFlags {
  products: number;
  users: number;
  seed: number;
}

/** `bazaar seed`: deterministic demo data through the configured stores. */
export async function seed(flags: SeedFlags): Promise<void> {
  const config = loadConfig({}, undefined, { logLevel: 'warn' });
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle(logger).install();
  const { app, close } = await openApp(config, logger, lifecycle, { command: 'seed' });
  try {
    const started = Date.now();
    const result = await seedDemoData(app.stores, flags, createProgress(logger));
    await analyzeSeededTables(app.db);
    process.stdout.write(
      `seeded ${result.productsAdded} new products and ${result.usersAdded} new customers ` +
        `(seed ${flags.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s on Node.js ${process.version}\n`,
    );
  } finally {
    await close();
  }
  // Done: end now rather than when every client library lets go of its timers and sockets.
  await lifecycle.end('done', 0);
}
