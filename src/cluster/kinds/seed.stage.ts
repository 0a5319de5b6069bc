import { join, resolve } from 'node:path';
import { run } from '../../platform/processes.js';
import { BAZAAR_BIN } from '../bazaar-bin.js';
import type { Stage } from '../kind.js';
import { countOf } from '../layout.js';

/**
 * Seeds the cluster's stores once, through the application's own seeding, so through pgpool-II and
 * every other store's client, with the same demo data as the embedded default.
 */
export const seedStage: Stage = {
  name: 'seed',
  // Every store the seeder writes to (the app connects to each configured store) must be up.
  dependsOn: ['pgpool', 'cassandra', 'redis', 'sentinel'],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(
      `migrations and seed data (${t.seedProducts} products) through pgpool-II${countOf(t, 'cassandra') > 0 ? ' and Cassandra' : ''}`,
    );
    await run(
      process.execPath,
      [BAZAAR_BIN, 'seed', '--products', String(t.seedProducts), '--users', String(t.seedUsers ?? 1000)],
      { env: ctx.appEnv({ BAZAAR_STATE_DIR: join(resolve(t.dir), 'seed') }) },
    );
  },
};
