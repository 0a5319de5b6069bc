import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { seedDemoData } from '../seed/seeder.js';
import { openApp } from './open-app.js';

export interface SeedFlags {
  products: number;
  users: number;
  seed: number;
}

/** `bazaar seed`: deterministic demo data through the configured stores. */
export async function seed(flags: SeedFlags): Promise<void> {
  const config = loadConfig({ logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger(config.logLevel);
  const { app, close } = await openApp(config, logger);
  try {
    const started = Date.now();
    const result = await seedDemoData(app.stores, flags, logger);
    process.stdout.write(
      `seeded ${result.productsAdded} new products and ${result.usersAdded} new customers ` +
        `(seed ${flags.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await close();
  }
}
