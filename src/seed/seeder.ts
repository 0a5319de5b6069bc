import type { Logger } from '../platform/logger.js';
import { hashPassword } from '../platform/passwords.js';
import type { CatalogStore } from '../modules/catalog/index.js';
import type { UserRecord, UserStore } from '../modules/users/index.js';
import { DEMO_CUSTOMER_PASSWORD, demoCustomers, demoProducts } from './demo-data.js';

export interface SeedOptions {
  products: number;
  users: number;
  seed: number;
}

export interface SeedResult {
  productsAdded: number;
  usersAdded: number;
}

const BATCH = 1000;
const HASH_CONCURRENCY = 8;

/**
 * Loads the deterministic demo data through the stores' ports. Ids are derived from the seed, so
 * running it again with the same seed adds nothing.
 */
export async function seedDemoData(
  stores: { catalog: CatalogStore; users: UserStore },
  options: SeedOptions,
  logger: Logger,
): Promise<SeedResult> {
  const products = demoProducts(options.products, options.seed);
  let productsAdded = 0;
  for (let i = 0; i < products.length; i += BATCH) {
    productsAdded += await stores.catalog.insertMany(products.slice(i, i + BATCH));
    logger.info({ done: Math.min(i + BATCH, products.length), of: products.length }, 'seeding products');
  }
  const customers = demoCustomers(options.users, options.seed);
  let usersAdded = 0;
  for (let i = 0; i < customers.length; i += BATCH) {
    const batch = customers.slice(i, i + BATCH);
    const records: UserRecord[] = [];
    // scrypt runs on the thread pool: a few at a time keeps both cores busy.
    for (let j = 0; j < batch.length; j += HASH_CONCURRENCY) {
      const chunk = batch.slice(j, j + HASH_CONCURRENCY);
      const hashes = await Promise.all(chunk.map(() => hashPassword(DEMO_CUSTOMER_PASSWORD)));
      chunk.forEach((c, k) =>
        records.push({ ...c, role: 'customer', password_hash: hashes[k]!, updated_at: c.created_at }),
      );
    }
    usersAdded += await stores.users.insertMany(records);
    logger.info({ done: Math.min(i + BATCH, customers.length), of: customers.length }, 'seeding customers');
  }
  return { productsAdded, usersAdded };
}
