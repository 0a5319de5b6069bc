import type { ProductListQuery } from '../../modules/catalog/index.js';
import type { Statement } from './cassandra-connection.js';
import { COUNT_TABLE, LIST_TABLES } from './catalog.schema.js';

export const COLUMNS =
  'id, sku, name, description, category, price, currency, attributes, version, created_at, updated_at';
export const LIST_COLUMNS = `scope, ${COLUMNS}`;

export type PriceRange = readonly [number | undefined, number | undefined];

/** The catalog's fixed statements, prepared once per keyspace. */
export function catalogStatements(ks: string) {
  const s = (name: string, cql: string, idempotent: boolean): Statement => ({ name, cql, idempotent });
  return {
    byIdSerial: s(
      'products.by_id_serial',
      `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products WHERE id = ?`,
      true,
    ),
    byId: s(
      'products.by_id',
      `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products WHERE id = ?`,
      true,
    ),
    all: s('products.scan', `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products`, true),
    insert: s(
      'products.insert',
      `INSERT INTO ${ks}.products (${COLUMNS}, stock, stock_version, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)`,
      true,
    ),
    update: s(
      'products.update_if_version',
      // The columns in insertParams' order (created_at rewritten with its own value).
      `UPDATE ${ks}.products SET sku = ?, name = ?, description = ?, category = ?, price = ?,
         currency = ?, attributes = ?, version = ?, created_at = ?, updated_at = ?, stock = ?,
         stock_version = ?, deleted_at = ?
       WHERE id = ? IF version = ?`,
      false,
    ),
    claimSku: s(
      'skus.claim',
      `INSERT INTO ${ks}.product_skus (sku, product_id) VALUES (?, ?) IF NOT EXISTS`,
      false,
    ),
    claimAge: s(
      'skus.claim_age',
      `SELECT product_id, WRITETIME(product_id) AS written FROM ${ks}.product_skus WHERE sku = ?`,
      true,
    ),
    takeOverSku: s(
      'skus.take_over',
      `UPDATE ${ks}.product_skus SET product_id = ? WHERE sku = ? IF product_id = ?`,
      false,
    ),
    releaseSku: s('skus.release', `DELETE FROM ${ks}.product_skus WHERE sku = ? IF product_id = ?`, false),
    count: s('products.count', `SELECT COUNT(*) AS n FROM ${ks}.${COUNT_TABLE} WHERE scope = ?`, true),
  };
}

export type CatalogStatements = ReturnType<typeof catalogStatements>;

function priceRange(range: PriceRange): string {
  return (
    (range[0] !== undefined ? ' AND price >= ?' : '') + (range[1] !== undefined ? ' AND price <= ?' : '')
  );
}

/** The bound values of a price range (only its given ends). */
export function rangeParams(range: PriceRange): number[] {
  return range.filter((v): v is number => v !== undefined);
}

const rangeSuffix = (range: PriceRange) =>
  `${range[0] !== undefined ? 'l' : ''}${range[1] !== undefined ? 'h' : ''}`;

/** List page statements, one per sort, order and range shape, made once and kept. */
export class ListStatements {
  private readonly made = new Map<string, Statement>();

  constructor(private readonly ks: string) {}

  page(sort: ProductListQuery['sort'], order: ProductListQuery['order'], range: PriceRange): Statement {
    const name = `lists.${sort}.${order}.${rangeSuffix(range)}`;
    let statement = this.made.get(name);
    if (!statement) {
      const dir = order === 'asc' ? 'ASC' : 'DESC';
      statement = {
        name,
        cql: `SELECT ${LIST_COLUMNS} FROM ${this.ks}.${LIST_TABLES[sort]} WHERE scope = ?${priceRange(range)}
              ORDER BY ${sort} ${dir}, id ${dir} LIMIT ?`,
        idempotent: true,
      };
      this.made.set(name, statement);
    }
    return statement;
  }

  /** A list's total: the same slice of the keys-only table (ADR 9). */
  count(range: PriceRange): Statement {
    return {
      name: `lists.count.${rangeSuffix(range)}`,
      cql: `SELECT COUNT(*) AS n FROM ${this.ks}.${COUNT_TABLE} WHERE scope = ?${priceRange(range)}`,
      idempotent: true,
    };
  }
}
