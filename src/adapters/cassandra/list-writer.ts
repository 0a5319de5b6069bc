import type { CatalogRecord } from '../catalog-projection.js';
import type { CassandraConnection } from './cassandra-connection.js';
import { insertParams } from './catalog.mapping.js';
import { listChanges, type ListedKeys } from './catalog.rows.js';
import { COUNT_TABLE } from './catalog.schema.js';
import { LIST_COLUMNS } from './catalog.statements.js';

export type ListRowDelete = ReturnType<typeof listChanges>['deletes'][number];

/** Writes a product's rows in the list tables (one table per list order, ADR 9). */
export class ListWriter {
  constructor(private readonly db: CassandraConnection) {}

  /**
   * The list rows of a change: one single-partition batch per list partition touched (clearing
   * the old row and writing the new one together), all in parallel. Every row is written at the
   * product's version as its timestamp, so the batches may land in any order, or be sent again,
   * and the lists still converge on the newest version.
   */
  async write(next: CatalogRecord, previous: ListedKeys[]): Promise<void> {
    const { writes, deletes } = listChanges(next.deletedAt === null ? next : null, previous);
    const ks = this.db.keyspace;
    // Every list table is partitioned by scope: one scope's rows, whatever the table, share a
    // partition key and so go to the same replicas as one batch, applied there as one mutation.
    const partitions = new Map<string, Array<{ query: string; params: unknown[] }>>();
    const add = (scope: string, mutation: { query: string; params: unknown[] }) => {
      partitions.set(scope, [...(partitions.get(scope) ?? []), mutation]);
    };
    for (const d of deletes) add(d.scope, this.deleteRow(d, next.id, next.version));
    for (const w of writes) {
      add(
        w.scope,
        w.table === COUNT_TABLE
          ? {
              query: `INSERT INTO ${ks}.${COUNT_TABLE} (scope, price, id) VALUES (?, ?, ?) USING TIMESTAMP ?`,
              params: [w.scope, next.price, next.id, next.version],
            }
          : {
              query: `INSERT INTO ${ks}.${w.table} (${LIST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                USING TIMESTAMP ?`,
              params: [w.scope, ...insertParams(next).slice(0, 11), next.version],
            },
      );
    }
    await Promise.all([...partitions.values()].map((batch) => this.db.partitionBatch('lists.write', batch)));
  }

  /** Removes list rows that belong to no current state (reindex), one partition at a time. */
  async remove(deletes: readonly ListRowDelete[], id: string, version: number): Promise<void> {
    await this.db.partitionBatch(
      'lists.clean',
      deletes.map((d) => this.deleteRow(d, id, version)),
    );
  }

  private deleteRow(d: ListRowDelete, id: string, version: number) {
    const column = d.sort === 'created_at' ? 'created_at' : d.sort;
    return {
      query: `DELETE FROM ${this.db.keyspace}.${d.table} USING TIMESTAMP ? WHERE scope = ? AND ${column} = ? AND id = ?`,
      params: [version, d.scope, d.key, id],
    };
  }
}
