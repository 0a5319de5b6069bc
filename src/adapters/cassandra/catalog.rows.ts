import type { AttributeValue, ProductChanges, ProductSortField } from '../../modules/catalog/index.js';
import type { CatalogRecord } from '../catalog-projection.js';
import { LISTINGS, type ListingTable } from './catalog.schema.js';

/** The keys a product is listed under: enough to find (and clear) its rows in the list tables. */
export interface ListedKeys {
  id: string;
  name: string;
  price: number;
  category: string;
  created_at: string;
}

export interface ListRowRef {
  table: ListingTable;
  sort: ProductSortField;
  scope: string;
  key: string | number | Date;
}

export const ALL_SCOPE = 'all';
export const categoryScope = (category: string) => `c:${category}`;

function scopesOf(p: ListedKeys): string[] {
  return [ALL_SCOPE, categoryScope(p.category)];
}

function keyOf(p: ListedKeys, sort: ProductSortField): string | number | Date {
  if (sort === 'price') return p.price;
  if (sort === 'name') return p.name;
  return new Date(p.created_at);
}

const sameKey = (a: string | number | Date, b: string | number | Date) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

/**
 * The list rows a change writes and clears. `next` null: the product is gone from every list.
 * `previous`: the states it may still be listed under (the version just replaced, and the one
 * PostgreSQL last applied, which differ only after a failure). A row whose scope and key do not
 * change is simply overwritten: deleting and inserting it at the same timestamp would delete it.
 */
export function listChanges(
  next: ListedKeys | null,
  previous: readonly ListedKeys[],
): { writes: ListRowRef[]; deletes: ListRowRef[] } {
  const writes: ListRowRef[] = [];
  const deletes: ListRowRef[] = [];
  const seen = new Set<string>();
  for (const { table, sort } of LISTINGS) {
    const kept = next ? scopesOf(next).map((scope) => ({ scope, key: keyOf(next, sort) })) : [];
    for (const row of kept) writes.push({ table, sort, ...row });
    for (const old of previous) {
      for (const scope of scopesOf(old)) {
        const key = keyOf(old, sort);
        if (kept.some((k) => k.scope === scope && sameKey(k.key, key))) continue;
        const id = `${table}|${scope}|${key instanceof Date ? key.getTime() : key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        deletes.push({ table, sort, scope, key });
      }
    }
  }
  return { writes, deletes };
}

/** The product after `changes`, one version on; the stock an admin sets moves its stockVersion. */
export function changed(current: CatalogRecord, changes: ProductChanges, at: Date): CatalogRecord {
  const version = current.version + 1;
  const next: CatalogRecord = {
    ...current,
    ...definedOnly(changes),
    attributes: changes.attributes ?? current.attributes,
    version,
    updated_at: at.toISOString(),
  };
  if (changes.stock !== undefined) next.stockVersion = version;
  return next;
}

function definedOnly(changes: ProductChanges): Partial<CatalogRecord> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}

export function parseAttributes(text: string | null | undefined): Record<string, AttributeValue> {
  if (!text) return {};
  return JSON.parse(text) as Record<string, AttributeValue>;
}
