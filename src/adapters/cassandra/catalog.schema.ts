/**
 * The catalog in Cassandra (ADR 9). One table per query the API serves, each read as one
 * partition slice; no secondary indexes, no ALLOW FILTERING.
 *
 * - `products`: the product by id; every change is a lightweight transaction on `version`.
 * - `product_skus`: who owns a sku; claimed with INSERT ... IF NOT EXISTS (uniqueness).
 * - `products_by_created|price|name`: the list orders. The partition is the list's scope,
 *   `all` or `c:<category>`, clustered by the sort key and then id (pages never repeat or skip).
 *   Each row carries the whole product, so a page is one partition read. The rows are written at
 *   the product's version as their timestamp: a late write of an older version never overrides
 *   a newer one, and a row deleted at version v stays deleted against writes of older versions.
 * - `product_keys_by_price`: the same rows as `products_by_price` with nothing but their keys. A
 *   list's total is a COUNT over it: counting a slice reads every row of it, and rows without a
 *   product's dozen cells cost a fifth as much (measured: 1.4 against 7.4 ms for 417 rows).
 */
export function keyspaceStatement(keyspace: string, replicationFactor: number): string {
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace}
          WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`;
}

const PRODUCT_COLUMNS = `sku text, name text, description text, category text, price bigint, currency text,
  attributes text, version int, created_at timestamp, updated_at timestamp`;

export const LIST_TABLES = {
  created_at: 'products_by_created',
  price: 'products_by_price',
  name: 'products_by_name',
} as const;

export const COUNT_TABLE = 'product_keys_by_price';

/** Every table a product is listed in, with the key it is sorted by there. */
export const LISTINGS = [
  { table: LIST_TABLES.created_at, sort: 'created_at' },
  { table: LIST_TABLES.price, sort: 'price' },
  { table: LIST_TABLES.name, sort: 'name' },
  { table: COUNT_TABLE, sort: 'price' },
] as const;

export type ListingTable = (typeof LISTINGS)[number]['table'];

export function catalogSchema(keyspace: string): string[] {
  const listTable = (table: string, key: string) =>
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (scope text, id uuid, ${PRODUCT_COLUMNS},
       PRIMARY KEY ((scope), ${key}, id)) WITH CLUSTERING ORDER BY (${key} ASC, id ASC)`;
  return [
    `CREATE TABLE IF NOT EXISTS ${keyspace}.products (id uuid PRIMARY KEY, ${PRODUCT_COLUMNS},
       stock int, stock_version int, deleted_at timestamp)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.product_skus (sku text PRIMARY KEY, product_id uuid)`,
    listTable(LIST_TABLES.created_at, 'created_at'),
    listTable(LIST_TABLES.price, 'price'),
    listTable(LIST_TABLES.name, 'name'),
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${COUNT_TABLE} (scope text, price bigint, id uuid,
       PRIMARY KEY ((scope), price, id)) WITH CLUSTERING ORDER BY (price ASC, id ASC)`,
  ];
}
