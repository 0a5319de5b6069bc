import type { Clock } from '../../../platform/clock.js';
import { transformRow, type SourceRow } from './product-row.js';
import type {
  CatalogSource,
  CatalogUpserts,
  ImportCheckpoints,
  ImportCounts,
  ProductData,
  Reject,
  RejectSink,
} from './transfer.ports.js';

export interface ImportOptions {
  batchSize: number;
  /** Continue the interrupted import of the same source and mapping. */
  resume: boolean;
  /** Validate and count what would be inserted, updated, left alone; write nothing (no product, no checkpoint, no rejects). */
  dryRun: boolean;
  /** Soft-delete live products whose sku the source does not have. */
  deleteMissing: boolean;
}

export interface ImportReport extends ImportCounts {
  deleted: number;
  resumed_at_row: number;
  seconds: number;
}

export class ImportRefused extends Error {}

export interface ImportProgress {
  (done: number, total: number, counts: ImportCounts): void;
}

const add = (c: ImportCounts, w: { inserted: number; updated: number; unchanged: number }): ImportCounts => ({
  ...c,
  inserted: c.inserted + w.inserted,
  updated: c.updated + w.updated,
  unchanged: c.unchanged + w.unchanged,
});

const zero = (): ImportCounts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 });

/** The sku as the store would keep it, for spotting one the source holds twice. */
function skuKey(cell: unknown): string | undefined {
  return typeof cell === 'string'
    ? cell.normalize('NFC').trim()
    : typeof cell === 'number'
      ? String(cell)
      : undefined;
}

/** A source row as the rejects file shows it: its cells as read, keyed by the product field they fill. */
function asRead(row: SourceRow): Record<string, unknown> {
  const { problem: _problem, ...cells } = row;
  return cells;
}

type Deps = { store: CatalogUpserts; checkpoints: ImportCheckpoints; rejects: RejectSink; clock: Clock };

/** Where a run starts: from nothing, or (`resume`) after the last committed batch. */
interface StartingPoint {
  counts: ImportCounts;
  batch: number;
  lastKey: string | number | undefined;
  /** The skus of the rows already read (a later row with one of them is a duplicate). */
  seen: Set<string>;
}

async function startingPoint(
  source: CatalogSource,
  deps: Deps,
  options: ImportOptions,
): Promise<StartingPoint> {
  const fresh: StartingPoint = { counts: zero(), batch: 0, lastKey: undefined, seen: new Set() };
  if (!options.resume) {
    if (options.dryRun) return fresh;
    await deps.rejects.truncateAfter(0);
    // A run killed before its first batch resumes from the start, not from an older import.
    await deps.checkpoints.save({
      ...source.identity,
      lastKey: undefined,
      batch: 0,
      counts: fresh.counts,
      finished: false,
    });
    return fresh;
  }
  const previous = await deps.checkpoints.load();
  if (!previous || previous.finished)
    throw new ImportRefused(
      'nothing to resume: the last import finished (or none ran); run it without --resume',
    );
  if (previous.file !== source.identity.file)
    throw new ImportRefused('--resume refused: the interrupted import read another file');
  if (previous.mapping !== source.identity.mapping)
    throw new ImportRefused('--resume refused: the interrupted import used another mapping');
  const seen = new Set<string>();
  if (previous.lastKey !== undefined)
    for (const cell of source.skusUpTo(previous.lastKey)) {
      const sku = skuKey(cell);
      if (sku) seen.add(sku);
    }
  if (!options.dryRun) await deps.rejects.truncateAfter(previous.batch);
  return { counts: { ...previous.counts }, batch: previous.batch, lastKey: previous.lastKey, seen };
}

/** One batch's rows checked: the products to write and the rows refused (each sku noted in `seen`). */
function transformBatch(
  rows: readonly SourceRow[],
  batch: number,
  source: CatalogSource,
  seen: Set<string>,
): { products: ProductData[]; rejects: Reject[] } {
  const products: ProductData[] = [];
  const rejects: Reject[] = [];
  for (const row of rows) {
    const result = transformRow(row, source.priceUnit);
    const sku = skuKey(row.sku);
    const duplicate = sku !== undefined && seen.has(sku);
    if (sku) seen.add(sku);
    if ('field' in result) {
      rejects.push({ batch, source_key: row.key, ...result, row: asRead(row) });
    } else if (duplicate) {
      const reason = 'appears in an earlier row of the source';
      rejects.push({ batch, source_key: row.key, field: 'sku', reason, row: asRead(row) });
    } else {
      const p = result.product;
      products.push({ ...p, description: p.description ?? '', attributes: p.attributes ?? {} });
    }
  }
  return { products, rejects };
}

/**
 * Extract, transform, load: the source read in key order, a batch at a time; each row checked by
 * the rules of POST /products (a refused row goes to the rejects, whole, and the run goes on; a
 * sku the source holds twice is refused after its first row); each batch written by sku in one
 * transaction, then the checkpoint; re-running changes only what changed. `resume` continues
 * after the last committed batch of the same source and mapping.
 */
export async function importCatalog(
  source: CatalogSource,
  deps: Deps,
  options: ImportOptions,
  progress: ImportProgress = () => undefined,
): Promise<ImportReport> {
  const started = Date.now();
  const start = await startingPoint(source, deps, options);
  let { counts, batch, lastKey } = start;
  const { seen } = start;
  const resumedAt = counts.read;
  const total = source.count();
  for (;;) {
    const rows = source.read(lastKey, options.batchSize);
    if (rows.length === 0) break;
    batch += 1;
    const { products, rejects } = transformBatch(rows, batch, source, seen);
    counts = { ...counts, read: counts.read + rows.length, rejected: counts.rejected + rejects.length };
    lastKey = rows[rows.length - 1]!.key;
    if (options.dryRun) {
      counts = add(counts, await deps.store.preview(products));
    } else {
      // Rejects first: a batch whose checkpoint is not written is read again, and its rejects
      // with it (the sink drops them on resume), so none is lost and none kept twice.
      await deps.rejects.append(rejects);
      const before = counts;
      const checkpoint = { ...source.identity, lastKey, batch, finished: false };
      const written = await deps.store.upsertBatch(products, deps.clock.now(), (w) => ({
        ...checkpoint,
        counts: add(before, w),
      }));
      counts = add(before, written);
    }
    progress(counts.read, total, counts);
  }
  let deleted = 0;
  if (!options.dryRun) {
    // Every sku the source holds, valid or not, keeps its product (`seen` has them all by now).
    if (options.deleteMissing) deleted = await deps.store.deleteMissing(seen, deps.clock.now());
    await deps.checkpoints.save({ ...source.identity, lastKey, batch, counts, finished: true });
  }
  return { ...counts, deleted, resumed_at_row: resumedAt, seconds: (Date.now() - started) / 1000 };
}
