import { rename } from 'node:fs/promises';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { exportCatalog } from '../adapters/sqlite/sqlite-catalog-export.js';
import type { CatalogStore, Product } from '../modules/catalog/index.js';
import { demoProducts } from '../seed/demo-data.js';
import { seedDemoData } from '../seed/seeder.js';
import { createProgress } from '../platform/progress.js';
import { openApp } from './open-app.js';

export interface ExportFlags {
  /** Write the demo catalog (generated, no store needed) instead of the store's. */
  demo?: boolean;
  products: number;
  seed: number;
}

const PAGE = 1000;

/** Every live product, a page at a time, oldest first. */
async function* pages(store: CatalogStore): AsyncIterable<Product[]> {
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await store.list({ filter: {}, sort: 'created_at', order: 'asc', limit: PAGE, offset });
    if (items.length > 0) yield items;
    if (items.length < PAGE) return;
  }
}

async function* demoPages(count: number, seed: number): AsyncIterable<Product[]> {
  const all = demoProducts(count, seed);
  for (let i = 0; i < all.length; i += PAGE) yield all.slice(i, i + PAGE);
}

/**
 * `bazaar export <file.sqlite>`: the catalog in Bazaar's own layout (what `bazaar import` reads
 * back). The embedded store is seeded with the demo catalog first when empty, as `npm start` does.
 */
export async function exportCommand(file: string, flags: ExportFlags): Promise<void> {
  const partial = `${file}.partial`;
  // A running count on a terminal; elsewhere only the summary.
  const say = (written: number) => {
    if (process.stderr.isTTY) process.stderr.write(`\rexported ${written} products`);
  };
  if (flags.demo) {
    const n = await exportCatalog(partial, demoPages(flags.products, flags.seed), say);
    await rename(partial, file);
    process.stdout.write(
      `${process.stderr.isTTY ? '\n' : ''}the demo catalog (${n} products, seed ${flags.seed}) written to ${file}\n`,
    );
    return;
  }
  const config = loadConfig({}, undefined, { logLevel: 'warn' });
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle(logger).install();
  const { app, embedded, close } = await openApp(config, logger, lifecycle, { command: 'export' });
  try {
    const seedWanted =
      config.seedOnStart === 'on' || (config.seedOnStart === 'auto' && embedded !== undefined);
    if (seedWanted && (await app.stores.catalog.count()) === 0)
      await seedDemoData(
        app.stores,
        { products: config.seedProducts, users: config.seedUsers, seed: config.seed },
        createProgress(logger),
      );
    const n = await exportCatalog(partial, pages(app.stores.catalog), say);
    await rename(partial, file);
    process.stdout.write(
      `${process.stderr.isTTY ? '\n' : ''}${n} products of the ${config.catalogStore} catalog written to ${file}\n`,
    );
  } finally {
    await close();
  }
  await lifecycle.end('done', 0);
}
