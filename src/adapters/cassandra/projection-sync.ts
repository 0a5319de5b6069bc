import type { Logger } from '../../platform/logger.js';
import type { CatalogProjection, CatalogRecord, ProjectedProduct } from '../catalog-projection.js';
import type { ListedKeys } from './catalog.rows.js';
import type { ListWriter } from './list-writer.js';

/**
 * Brings what is derived from a product row up to it: its list rows, then PostgreSQL's copy
 * (stock and search), newest version wins.
 */
export class ProjectionSync {
  constructor(
    private readonly lists: ListWriter,
    private readonly projection: CatalogProjection,
    private readonly logger: Logger,
  ) {}

  /**
   * After the product row took the change: the list rows, then PostgreSQL. A failure of the
   * PostgreSQL step does not undo the change (Cassandra has it at QUORUM): it is logged, retried
   * in the background, repaired by the next read of the product, or by `bazaar reindex`.
   * Returns the live stock.
   */
  async commit(next: CatalogRecord, previous: ListedKeys[]): Promise<number> {
    // A new product (version 1, a fresh id) has no PostgreSQL row yet: nothing to read.
    const projected =
      next.version === 1
        ? undefined
        : (await this.projection.read([next.id]).catch(() => new Map<string, ProjectedProduct>())).get(
            next.id,
          );
    await this.lists.write(next, projected ? [...previous, projected] : previous);
    try {
      return (await this.projection.apply([next])).get(next.id) ?? next.stock;
    } catch (error) {
      this.logger.warn(
        { err: error, product: next.id, version: next.version },
        'projection behind; retrying',
      );
      this.retry(next, 1);
      return projected?.stock ?? next.stock;
    }
  }

  /** Brings the list rows and PostgreSQL to the product's version; returns the live stock. */
  async reproject(
    record: CatalogRecord,
    projected: ProjectedProduct | undefined,
    listed: ListedKeys[] = [],
  ): Promise<number> {
    await this.lists.write(record, [...(projected ? [projected] : []), ...listed]);
    return (await this.projection.apply([record])).get(record.id) ?? record.stock;
  }

  private retry(record: CatalogRecord, attempt: number): void {
    if (attempt > 5) return;
    setTimeout(
      () => {
        this.projection.apply([record]).catch(() => this.retry(record, attempt + 1));
      },
      500 * 2 ** attempt,
    ).unref();
  }
}
