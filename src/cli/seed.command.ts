import { loadConfig } from '../config/config.js';
import { createApp } from '../app.js';
import { startEmbeddedPostgres } from '../adapters/postgres/embedded.js';
import { createLogger } from '../platform/logger.js';
import { seedDemoData } from '../seed/seeder.js';
import { stateSecret } from './state-files.js';

export interface SeedFlags {
  products: number;
  users: number;
  seed: number;
}

/** `bazaar seed`: deterministic demo data through the configured stores. */
export async function seed(flags: SeedFlags): Promise<void> {
  const config = loadConfig({ logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.stateDir, logger);
  const secret = config.authSecret ?? (await stateSecret(config.stateDir, 'auth-secret')).value;
  const app = await createApp({
    config,
    databaseUrl: config.databaseUrl ?? embedded!.url,
    authSecret: secret,
    logger,
  });
  try {
    const started = Date.now();
    const result = await seedDemoData(app.stores, flags, logger);
    process.stdout.write(
      `seeded ${result.productsAdded} new products and ${result.usersAdded} new customers ` +
        `(seed ${flags.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await app.close();
    await embedded?.stop();
  }
}
