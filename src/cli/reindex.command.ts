import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { openApp } from './open-app.js';

/**
 * `bazaar reindex`: rebuilds the search index from the catalog store. With the catalog in
 * Cassandra, every product's PostgreSQL row (stock kept, search document regenerated) and list
 * rows are brought to the product's current version; with the catalog in PostgreSQL, the GIN
 * index is rebuilt.
 */
export async function reindex(): Promise<void> {
  const config = loadConfig({}, undefined, { logLevel: 'warn' });
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle(logger).install();
  const { app, close } = await openApp(config, logger, lifecycle, { command: 'reindex' });
  try {
    const started = Date.now();
    const report = await app.stores.catalog.reindex();
    process.stdout.write(
      `reindexed ${report.products} products from the ${config.catalogStore} catalog: ` +
        `${report.repaired} brought up to date, ${report.listRowsRemoved} stale list rows removed, ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await close();
  }
  // Done: end now rather than when every client library lets go of its timers and sockets.
  await lifecycle.end('done', 0);
}
