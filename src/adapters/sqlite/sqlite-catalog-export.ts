import { rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import type { Product } from '../../modules/catalog/index.js';

/** Bazaar's own layout: what `bazaar import` reads without a mapping (BAZAAR_LAYOUT). */
const SCHEMA = `
CREATE TABLE bazaar_export (format integer NOT NULL, exported_at text NOT NULL, products integer NOT NULL);
CREATE TABLE products (
  sku         text PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL,
  category    text NOT NULL,
  price       integer NOT NULL,   -- minor units of currency
  currency    text NOT NULL,
  stock       integer NOT NULL,
  attributes  text NOT NULL       -- a JSON object
);`;

/**
 * Writes products into a new SQLite file in Bazaar's layout, a transaction per thousand rows;
 * the file is replaced whole (written beside it, renamed at the end by the caller's path).
 */
export async function exportCatalog(
  path: string,
  products: AsyncIterable<Product[]>,
  progress: (written: number) => void = () => undefined,
): Promise<number> {
  await rm(path, { force: true });
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(SCHEMA);
    const insert = db.prepare(
      'INSERT INTO products (sku, name, description, category, price, currency, stock, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let written = 0;
    for await (const page of products) {
      db.exec('BEGIN');
      for (const p of page)
        insert.run(
          p.sku,
          p.name,
          p.description,
          p.category,
          p.price,
          p.currency,
          p.stock,
          JSON.stringify(p.attributes),
        );
      db.exec('COMMIT');
      written += page.length;
      progress(written);
    }
    db.prepare('INSERT INTO bazaar_export VALUES (1, ?, ?)').run(new Date().toISOString(), written);
    db.exec('PRAGMA journal_mode = DELETE;');
    return written;
  } finally {
    db.close();
  }
}
