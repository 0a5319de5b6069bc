import { eachLimited } from '../../../platform/each-limited.js';
import { newId } from '../../../platform/ids.js';
import type { CatalogStore, Product, ProductChanges } from '../catalog.ports.js';
import type {
  CatalogUpserts,
  ImportCheckpoint,
  ImportCheckpoints,
  ProductData,
  UpsertCounts,
} from './transfer.ports.js';

const FIELDS = ['name', 'description', 'category', 'price', 'currency', 'stock'] as const;

/** JSON with keys in order: two attribute objects that say the same compare equal. */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}

/** What differs between the stored product and the imported one (empty: nothing to write). */
export function changesOf(current: Product, next: ProductData): ProductChanges {
  const changes: ProductChanges = {};
  for (const f of FIELDS) if (current[f] !== next[f]) Object.assign(changes, { [f]: next[f] });
  if (canonical(current.attributes) !== canonical(next.attributes)) changes.attributes = next.attributes;
  return changes;
}

/**
 * Imports through the catalog port alone, for a store without transactions (Cassandra): the
 * batch's skus looked up, new products inserted together, changed ones updated one by one (each
 * a version check of its own), then the checkpoint. A batch interrupted before its checkpoint is
 * written again on resume: by sku, so nothing twice; what it had written counts as unchanged.
 */
export class CatalogPortUpserts implements CatalogUpserts {
  constructor(
    private readonly store: CatalogStore,
    private readonly checkpoints: ImportCheckpoints,
  ) {}

  async upsertBatch(
    products: readonly ProductData[],
    at: Date,
    checkpoint: (written: UpsertCounts) => ImportCheckpoint,
  ): Promise<UpsertCounts> {
    const existing = new Map(
      (await this.store.findBySkus(products.map((p) => p.sku))).map((p) => [p.sku, p]),
    );
    const stamp = at.toISOString();
    const fresh: Product[] = [];
    let updated = 0;
    let unchanged = 0;
    await eachLimited([...products], 16, async (next) => {
      const current = existing.get(next.sku);
      if (!current) {
        fresh.push({ ...next, id: newId(), version: 1, created_at: stamp, updated_at: stamp });
        return;
      }
      const changes = changesOf(current, next);
      if (Object.keys(changes).length === 0) {
        unchanged += 1;
        return;
      }
      await this.store.update(current.id, changes, undefined, at);
      updated += 1;
    });
    const inserted = fresh.length > 0 ? await this.store.insertMany(fresh) : 0;
    const counts = { inserted, updated, unchanged };
    await this.checkpoints.save(checkpoint(counts));
    return counts;
  }

  async preview(products: readonly ProductData[]): Promise<UpsertCounts> {
    const existing = new Map(
      (await this.store.findBySkus(products.map((p) => p.sku))).map((p) => [p.sku, p]),
    );
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    for (const next of products) {
      const current = existing.get(next.sku);
      if (!current) counts.inserted += 1;
      else if (Object.keys(changesOf(current, next)).length > 0) counts.updated += 1;
      else counts.unchanged += 1;
    }
    return counts;
  }

  async deleteMissing(keep: ReadonlySet<string>, at: Date): Promise<number> {
    const gone: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.store.list({
        filter: {},
        sort: 'created_at',
        order: 'asc',
        limit: 1000,
        offset,
      });
      for (const p of page.items) if (!keep.has(p.sku)) gone.push(p.id);
      if (page.items.length < 1000) break;
    }
    let deleted = 0;
    await eachLimited(gone, 16, async (id) => {
      if (await this.store.softDelete(id, at)) deleted += 1;
    });
    return deleted;
  }
}
