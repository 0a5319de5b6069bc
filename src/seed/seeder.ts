import type { Progress } from '../platform/progress.js';
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

/**
 * Loads the deterministic demo data through the stores' ports. Ids are derived from the seed, so
 * running it again with the same seed adds nothing.
 */
export async function seedDemoData(
  stores: { catalog: CatalogStore; users: UserStore },
  options: SeedOptions,
  progress: Progress,
): Promise<SeedResult> {
  const products = demoProducts(options.products, options.seed);
  let productsAdded = 0;
  progress.update('seeding products', 0, products.length);
  for (let i = 0; i < products.length; i += BATCH) {
    productsAdded += await stores.catalog.insertMany(products.slice(i, i + BATCH));
    progress.update('seeding products', Math.min(i + BATCH, products.length), products.length);
  }
  const customers = demoCustomers(options.users, options.seed);
  // Every demo customer has the one documented password, so one hash serves them all: a salt per
  // user protects a secret password from precomputed tables, and this one is published. Hashing
  // it per customer cost most of a first start (scrypt, ~28 s for 1,000 on two cores).
  const passwordHash = customers.length > 0 ? await hashPassword(DEMO_CUSTOMER_PASSWORD) : '';
  let usersAdded = 0;
  progress.update('seeding customers', 0, customers.length);
  for (let i = 0; i < customers.length; i += BATCH) {
    const records: UserRecord[] = customers
      .slice(i, i + BATCH)
      .map((c) => ({ ...c, role: 'customer', password_hash: passwordHash, updated_at: c.created_at }));
    usersAdded += await stores.users.insertMany(records);
    progress.update('seeding customers', Math.min(i + BATCH, customers.length), customers.length);
  }
  progress.stop();
  return { productsAdded, usersAdded };
}
