import type { ImportCheckpoint, ImportCheckpoints } from '../../modules/catalog/index.js';
import type { Queryable } from './database.js';

const SQL = {
  load: {
    name: 'catalog_import.load',
    text: 'SELECT file, mapping, last_key, batch, counts, finished FROM catalog_import_checkpoint WHERE id = 1',
  },
  save: {
    name: 'catalog_import.save',
    text: `INSERT INTO catalog_import_checkpoint (id, file, mapping, last_key, batch, counts, finished, updated_at)
           VALUES (1, $1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (id) DO UPDATE SET file = $1, mapping = $2, last_key = $3, batch = $4, counts = $5,
             finished = $6, updated_at = now()`,
  },
};

interface Row {
  file: string;
  mapping: string;
  last_key: { key: string | number } | null;
  batch: number;
  counts: ImportCheckpoint['counts'];
  finished: boolean;
}

/** The one import checkpoint, in PostgreSQL (whichever store holds the catalog). */
export class PostgresImportCheckpoints implements ImportCheckpoints {
  constructor(private readonly db: Queryable) {}

  async load(): Promise<ImportCheckpoint | undefined> {
    const { rows } = await this.db.query<Row>(SQL.load);
    const r = rows[0];
    if (!r) return undefined;
    return {
      file: r.file,
      mapping: r.mapping,
      lastKey: r.last_key?.key,
      batch: r.batch,
      counts: r.counts,
      finished: r.finished,
    };
  }

  /** Saves it through `db`, or inside a transaction already open. */
  async save(c: ImportCheckpoint, tx: Queryable = this.db): Promise<void> {
    await tx.query(SQL.save, [
      c.file,
      c.mapping,
      // Wrapped, so a key keeps its type (42 stays a number, "42" a string).
      c.lastKey === undefined ? null : JSON.stringify({ key: c.lastKey }),
      c.batch,
      JSON.stringify(c.counts),
      c.finished,
    ]);
  }
}
