import cassandra from 'cassandra-driver';
import type { Product } from '../../modules/catalog/index.js';
import type { CatalogRecord } from '../catalog-projection.js';
import type { Row } from './cassandra-connection.js';
import { ALL_SCOPE, categoryScope, parseAttributes, type ListedKeys } from './catalog.rows.js';

// Rows of the catalog's tables to products and back.

/** The product row's columns, as the insert (and every statement reusing it) binds them. */
export function insertParams(r: CatalogRecord): unknown[] {
  return [
    r.id,
    r.sku,
    r.name,
    r.description,
    r.category,
    r.price,
    r.currency,
    JSON.stringify(r.attributes),
    r.version,
    new Date(r.created_at),
    new Date(r.updated_at),
    r.stock,
    r.stockVersion,
  ];
}

const num = (value: unknown): number =>
  value instanceof cassandra.types.Long ? value.toNumber() : Number(value ?? 0);
const iso = (value: unknown): string => (value as Date).toISOString();

/** The keys a list row was written under; a keys-only row has its scope, price and id alone. */
export function listedKeysOf(row: Row, keysOnly: boolean): ListedKeys & { version: number } {
  if (keysOnly) {
    const scope = String(row['scope']);
    const category = scope === ALL_SCOPE ? '' : scope.slice(categoryScope('').length);
    return {
      id: String(row['id']),
      name: '',
      price: num(row['price']),
      category,
      created_at: iso(new Date(0)),
      version: 0,
    };
  }
  return fromListRow(row);
}

export function fromListRow(row: Row): Product {
  return {
    id: String(row['id']),
    sku: String(row['sku']),
    name: String(row['name']),
    description: String(row['description'] ?? ''),
    category: String(row['category']),
    price: num(row['price']),
    currency: String(row['currency']),
    stock: 0,
    attributes: parseAttributes(row['attributes'] as string | null),
    version: Number(row['version']),
    created_at: iso(row['created_at']),
    updated_at: iso(row['updated_at']),
  };
}

export function fromRow(row: Row): CatalogRecord {
  const deleted = row['deleted_at'] as Date | null;
  return {
    ...fromListRow(row),
    stock: Number(row['stock'] ?? 0),
    stockVersion: Number(row['stock_version'] ?? 0),
    deletedAt: deleted ? deleted.toISOString() : null,
  };
}

export function toProduct(record: CatalogRecord, stock: number): Product {
  const { stockVersion: _sv, deletedAt: _d, ...product } = record;
  return { ...product, stock };
}

/** Code-point order, as Cassandra's text clustering and PostgreSQL's C.UTF-8 collation sort. */
export function compareBy(sort: 'name' | 'created_at', order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: Product, b: Product): number => {
    const x = sort === 'name' ? a.name : a.created_at;
    const y = sort === 'name' ? b.name : b.created_at;
    const primary = x < y ? -1 : x > y ? 1 : 0;
    return sign * (primary !== 0 ? primary : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}
