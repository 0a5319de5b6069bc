import type { Database } from '../adapters/postgres/database.js';
import type { CassandraConnection } from '../adapters/cassandra/cassandra-connection.js';
import { PostgresCatalogUpserts } from '../adapters/postgres/catalog-upserts.store.js';
import { PostgresImportCheckpoints } from '../adapters/postgres/import-checkpoints.store.js';
import {
  CatalogPortUpserts,
  type CatalogStore,
  type CatalogUpserts,
  type ImportCheckpoints,
} from '../modules/catalog/index.js';

/** A batch and its checkpoint in one transaction when the catalog is PostgreSQL's; through the port otherwise. */
export function catalogImports(
  db: Database,
  catalog: CatalogStore,
  cassandra: CassandraConnection | undefined,
): { upserts: CatalogUpserts; checkpoints: ImportCheckpoints } {
  const checkpoints = new PostgresImportCheckpoints(db);
  const upserts = cassandra
    ? new CatalogPortUpserts(catalog, checkpoints)
    : new PostgresCatalogUpserts(db, checkpoints);
  return { upserts, checkpoints };
}
