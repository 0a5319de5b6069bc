import type { CatalogRecord } from '../catalog-projection.js';
import type { CassandraConnection } from './cassandra-connection.js';
import { fromRow, insertParams } from './catalog.mapping.js';
import type { CatalogStatements } from './catalog.statements.js';
import { isUnknownOutcome } from './errors.js';

/** The `products` table: one row per product, every change a version-checked lightweight transaction. */
export class ProductRows {
  constructor(
    private readonly db: CassandraConnection,
    private readonly sql: CatalogStatements,
  ) {}

  /** A QUORUM read, or a linearizable (SERIAL) one that sees every applied Paxos round. */
  async read(id: string, linearizable = false): Promise<CatalogRecord | null> {
    const result = linearizable
      ? await this.db.execute(this.sql.byIdSerial, [id], { serial: true })
      : await this.db.execute(this.sql.byId, [id]);
    const row = result.first();
    return row ? fromRow(row) : null;
  }

  async insert(record: CatalogRecord): Promise<void> {
    await this.db.execute(this.sql.insert, insertParams(record));
  }

  /**
   * The version-checked write. When the node coordinating it fails before answering, whether it
   * applied is unknown: a linearizable (SERIAL) read tells, and a write that did not apply is
   * sent once more, so a node crash costs the client nothing.
   */
  async compareAndSet(current: CatalogRecord, next: CatalogRecord): Promise<boolean> {
    try {
      return await this.sendCompareAndSet(current, next);
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      const seen = await this.read(current.id, true);
      if (seen?.version === next.version && seen.updated_at === next.updated_at) return true;
      if (seen?.version !== current.version) return false;
      return this.sendCompareAndSet(current, next);
    }
  }

  private async sendCompareAndSet(current: CatalogRecord, next: CatalogRecord): Promise<boolean> {
    const result = await this.db.execute(this.sql.update, [
      ...insertParams(next).slice(1),
      next.deletedAt === null ? null : new Date(next.deletedAt),
      next.id,
      current.version,
    ]);
    return result.wasApplied();
  }
}
