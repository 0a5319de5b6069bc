import { AppError } from '../../platform/errors.js';
import type { CassandraConnection } from './cassandra-connection.js';
import type { CatalogStatements } from './catalog.statements.js';
import { isUnknownOutcome } from './errors.js';
import type { ProductRows } from './product-rows.js';

/** How long a sku claim whose product row is missing counts as a create still in flight. */
const CLAIM_IN_FLIGHT_MS = 30_000;

const duplicate = () => new AppError('duplicate', 'A product with this sku already exists');

/** Unique skus in a store without unique indexes: `product_skus`, claimed by lightweight transaction. */
export class SkuClaims {
  constructor(
    private readonly db: CassandraConnection,
    private readonly sql: CatalogStatements,
    private readonly rows: ProductRows,
  ) {}

  /**
   * Takes the sku for `id`, or fails with `duplicate`. A claim whose product was deleted, or was
   * never written (a create that failed half-way, older than a create can take), is taken over.
   */
  async claim(sku: string, id: string): Promise<'claimed' | 'ours'> {
    // Sent again when its outcome is unknown: a claim that did apply then reads as ours.
    const claim = await this.db
      .execute(this.sql.claimSku, [sku, id])
      .catch((error: unknown) =>
        isUnknownOutcome(error) ? this.db.execute(this.sql.claimSku, [sku, id]) : Promise.reject(error),
      );
    if (claim.wasApplied()) return 'claimed';
    const owner = String(claim.first()!['product_id']);
    if (owner === id) return 'ours';
    const ownerRow = await this.rows.read(owner);
    if (ownerRow && ownerRow.deletedAt === null) throw duplicate();
    if (!ownerRow) {
      const age = await this.db.execute(this.sql.claimAge, [sku]);
      const written = Number(age.first()?.['written'] ?? 0) / 1000;
      if (Date.now() - written < CLAIM_IN_FLIGHT_MS) throw duplicate();
    }
    const takeOver = await this.db.execute(this.sql.takeOverSku, [id, sku, owner]);
    if (!takeOver.wasApplied()) throw duplicate();
    return 'claimed';
  }

  /** The product id holding the sku, if any (a claim may outlive its product: read the row too). */
  async owner(sku: string): Promise<string | undefined> {
    const row = (await this.db.execute(this.sql.claimAge, [sku])).first();
    return row ? String(row['product_id']) : undefined;
  }

  async release(sku: string, id: string): Promise<void> {
    // Conditional on the owner, so sending it again is harmless.
    await this.db
      .execute(this.sql.releaseSku, [sku, id])
      .catch((error: unknown) =>
        isUnknownOutcome(error) ? this.db.execute(this.sql.releaseSku, [sku, id]) : Promise.reject(error),
      );
  }
}
