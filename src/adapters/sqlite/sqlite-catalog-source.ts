import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SourceRow } from '../../modules/catalog/index.js';
import type { CatalogSource } from '../../modules/catalog/index.js';
import type { CatalogMapping } from './catalog-mapping.js';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * An SQLite database read through a mapping, opened read-only: rows in key order a batch at a
 * time (keyset pagination, so memory holds one batch whatever the file's size), attributes of a
 * batch's key range in one more query.
 */
export class SqliteCatalogSource implements CatalogSource {
  private readonly db: DatabaseSync;
  private readonly rows: string;
  private readonly first: StatementSync;
  private readonly next: StatementSync;
  private readonly attributeRows: StatementSync | undefined;
  readonly priceUnit: CatalogMapping['price']['unit'];

  private constructor(
    path: string,
    private readonly mapping: CatalogMapping,
    readonly identity: { file: string; mapping: string },
  ) {
    this.db = new DatabaseSync(path, { readOnly: true });
    const from = mapping.query ?? `SELECT rowid AS rowid, * FROM ${ident(mapping.table!)}`;
    this.rows = `SELECT * FROM (${from}) AS source`;
    const key = ident(mapping.key);
    this.first = this.db.prepare(`${this.rows} ORDER BY ${key} LIMIT ?`);
    this.next = this.db.prepare(`${this.rows} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`);
    const attributes = mapping.attributes?.rows?.query;
    this.attributeRows = attributes
      ? this.db.prepare(
          `SELECT key, name, value FROM (${attributes}) WHERE key >= ? AND key <= ? ORDER BY key`,
        )
      : undefined;
    this.priceUnit = mapping.price.unit;
  }

  static async open(
    path: string,
    mapping: CatalogMapping,
    mappingText: string,
  ): Promise<SqliteCatalogSource> {
    const identity = {
      file: await fileDigest(path),
      mapping: createHash('sha256').update(mappingText).digest('hex'),
    };
    return new SqliteCatalogSource(path, mapping, identity);
  }

  count(): number {
    const row = this.db.prepare(`SELECT count(*) AS n FROM (${this.rows})`).get() as { n: number };
    return row.n;
  }

  read(afterKey: string | number | undefined, limit: number): SourceRow[] {
    const raw = (afterKey === undefined ? this.first.all(limit) : this.next.all(afterKey, limit)) as Record<
      string,
      unknown
    >[];
    if (raw.length === 0) return [];
    const joined = this.joinedAttributes(raw);
    const c = this.mapping.columns;
    return raw.map((r) => {
      const key = r[this.mapping.key] as string | number;
      let own: Record<string, unknown> = {};
      let problem: SourceRow['problem'];
      try {
        own = this.columnAttributes(r);
      } catch {
        problem = { field: 'attributes', reason: 'is not a JSON object' };
      }
      return {
        key,
        ...(problem ? { problem } : {}),
        sku: r[c.sku],
        name: r[c.name],
        description: c.description ? r[c.description] : undefined,
        category: r[c.category],
        price: r[c.price],
        currency: c.currency ? r[c.currency] : (this.mapping.price.currency ?? undefined),
        stock: r[c.stock],
        attributes: { ...own, ...(joined.get(key) ?? {}) },
      };
    });
  }

  *skusUpTo(key: string | number): Iterable<unknown> {
    const statement = this.db.prepare(
      `SELECT ${ident(this.mapping.columns.sku)} AS sku FROM (${this.rows}) WHERE ${ident(this.mapping.key)} <= ? ORDER BY ${ident(this.mapping.key)}`,
    );
    for (const row of statement.iterate(key)) yield (row as { sku: unknown }).sku;
  }

  close(): void {
    this.db.close();
  }

  private columnAttributes(row: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const a = this.mapping.attributes;
    for (const column of a?.columns ?? []) out[column] = row[column];
    if (a?.json && row[a.json] !== null && row[a.json] !== undefined) {
      const parsed: unknown = JSON.parse(String(row[a.json]));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      Object.assign(out, parsed);
    }
    return out;
  }

  /** name/value rows of the batch's key range, by key. */
  private joinedAttributes(batch: Record<string, unknown>[]): Map<unknown, Record<string, unknown>> {
    const byKey = new Map<unknown, Record<string, unknown>>();
    if (!this.attributeRows) return byKey;
    const first = batch[0]![this.mapping.key] as string | number;
    const last = batch[batch.length - 1]![this.mapping.key] as string | number;
    for (const row of this.attributeRows.iterate(first, last)) {
      const { key, name, value } = row as { key: unknown; name: string; value: unknown };
      const attributes = byKey.get(key) ?? {};
      attributes[name] = value;
      byKey.set(key, attributes);
    }
    return byKey;
  }
}
