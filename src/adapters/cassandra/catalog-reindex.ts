import type { ReindexReport } from '../../modules/catalog/index.js';
import { eachLimited } from '../../platform/each-limited.js';
import type { CatalogProjection, CatalogRecord } from '../catalog-projection.js';
import type { CassandraConnection, Statement } from './cassandra-connection.js';
import { fromRow, listedKeysOf } from './catalog.mapping.js';
import { listChanges } from './catalog.rows.js';
import { COUNT_TABLE, LISTINGS } from './catalog.schema.js';
import { LIST_COLUMNS, type CatalogStatements } from './catalog.statements.js';
import type { ListWriter } from './list-writer.js';
import type { ProjectionSync } from './projection-sync.js';

export interface ReindexParts {
  db: CassandraConnection;
  sql: CatalogStatements;
  projection: CatalogProjection;
  lists: ListWriter;
  sync: ProjectionSync;
}

/**
 * Re-projects the whole catalog: every product's list rows and its PostgreSQL row (so the search
 * index) brought to the product's version, and list rows that belong to no current state removed.
 */
export async function reindexCatalog(parts: ReindexParts): Promise<ReindexReport> {
  const { db, sql, projection, lists, sync } = parts;
  const products = new Map<string, CatalogRecord>();
  for await (const row of db.rows(sql.all, [])) {
    const record = fromRow(row);
    products.set(record.id, record);
  }
  let repaired = 0;
  const ids = [...products.keys()];
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const projected = await projection.read(chunk);
    const behind = new Set(chunk.filter((id) => projected.get(id)?.version !== products.get(id)!.version));
    // Every product's list rows are written again (at its version: a no-op where they are
    // right), so a list table added since, or a lost row, is filled in too.
    await eachLimited(chunk, 8, (id) => {
      const r = products.get(id)!;
      return behind.has(id) ? sync.reproject(r, projected.get(id)) : lists.write(r, []);
    });
    repaired += behind.size;
  }
  let listRowsRemoved = 0;
  for (const { table } of LISTINGS) {
    const scan: Statement = {
      name: `lists.scan.${table}`,
      cql: `SELECT ${table === COUNT_TABLE ? 'scope, price, id' : LIST_COLUMNS} FROM ${db.keyspace}.${table}`,
      idempotent: true,
    };
    for await (const row of db.rows(scan, [])) {
      const listed = listedKeysOf(row, table === COUNT_TABLE);
      const owner = products.get(listed.id);
      const current = owner && owner.deletedAt === null ? owner : null;
      const { deletes } = listChanges(current, [listed]);
      const mine = deletes.filter((d) => d.table === table && d.scope === String(row['scope']));
      if (mine.length === 0) continue;
      await lists.remove(mine, listed.id, owner?.version ?? listed.version + 1);
      listRowsRemoved += mine.length;
    }
  }
  return { products: products.size, repaired, listRowsRemoved };
}
