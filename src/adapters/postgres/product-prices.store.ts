import type { PricedProduct, ProductLookup } from '../../modules/carts/index.js';
import { onPrimary, type Database } from './database.js';

const PRICED = {
  name: 'products.priced',
  text: onPrimary(
    'SELECT id, name, price, currency FROM products WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
  ),
};

/**
 * What a cart shows and a checkout charges: name and price from PostgreSQL's products table, in
 * one query for the whole cart. That table is the catalog itself, or its projection when the
 * catalog lives in Cassandra (ADR 9): either way it is the row checkout locks and prices from, so
 * a cart never shows a price other than the one the order would take.
 */
export class PostgresProductPrices implements ProductLookup {
  constructor(private readonly db: Database) {}

  async findMany(ids: readonly string[]): Promise<PricedProduct[]> {
    if (ids.length === 0) return [];
    return (await this.db.query<PricedProduct>(PRICED, [ids])).rows;
  }
}
