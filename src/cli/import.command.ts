import { readFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { createProgress } from '../platform/progress.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { systemClock } from '../platform/clock.js';
import { BAZAAR_LAYOUT, parseMapping } from '../adapters/sqlite/catalog-mapping.js';
import { SqliteCatalogSource } from '../adapters/sqlite/sqlite-catalog-source.js';
import { RejectsFile } from '../adapters/files/rejects-file.js';
import { ImportRefused, importCatalog } from '../modules/catalog/index.js';
import { openApp } from './open-app.js';

export interface ImportFlags {
  map?: string;
  resume?: boolean;
  dryRun?: boolean;
  deleteMissing?: boolean;
  batchSize: number;
  rejects?: string;
}

/** The mapping a run reads with: the file's, or Bazaar's own layout for an export of ours. */
async function chooseMapping(file: string, map: string | undefined) {
  if (map) {
    const text = await readFile(map, 'utf8');
    return { mapping: parseMapping(text), text };
  }
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const ours = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bazaar_export'")
      .get();
    if (!ours)
      throw new ImportRefused(`${file} is not a Bazaar export: say how to read it with --map <mapping.yaml>`);
  } finally {
    db.close();
  }
  return { mapping: BAZAAR_LAYOUT, text: 'bazaar-layout-1' };
}

/** `bazaar import <file.sqlite>`: the catalog loaded from SQLite through the configured catalog store. */
export async function importCommand(file: string, flags: ImportFlags): Promise<void> {
  const config = loadConfig({}, undefined, { logLevel: 'warn' });
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle(logger).install();
  const { mapping, text } = await chooseMapping(file, flags.map);
  const source = await SqliteCatalogSource.open(file, mapping, text);
  const rejectsPath = flags.rejects ?? `${file}.rejects.jsonl`;
  const { app, close } = await openApp(config, logger, lifecycle, { command: 'import' });
  // On a terminal a bar with rate and ETA; otherwise a line every two seconds at most.
  // On stderr: stdout carries the summary.
  const progress = createProgress(
    createLogger('info', 'import', { terminal: false, destination: process.stderr }),
    process.stderr.isTTY === true,
    process.stderr,
  );
  let shown = 0;
  try {
    const report = await importCatalog(
      source,
      {
        store: app.stores.imports.upserts,
        checkpoints: app.stores.imports.checkpoints,
        rejects: new RejectsFile(rejectsPath),
        clock: systemClock,
      },
      {
        batchSize: flags.batchSize,
        resume: flags.resume === true,
        dryRun: flags.dryRun === true,
        deleteMissing: flags.deleteMissing === true,
      },
      (done, total) => {
        if (process.stderr.isTTY || done >= total || Date.now() - shown >= 2000) {
          shown = Date.now();
          progress.update(flags.dryRun ? 'checking' : 'importing', done, total);
        }
      },
    );
    progress.stop();
    const rate = report.seconds > 0 ? Math.round((report.read - report.resumed_at_row) / report.seconds) : 0;
    process.stdout.write(
      `${flags.dryRun ? 'dry run (nothing written)' : `imported into the ${config.catalogStore} catalog`}: ` +
        `${report.read} read${report.resumed_at_row ? ` (resumed after ${report.resumed_at_row})` : ''}, ` +
        `${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged, ` +
        `${report.rejected} rejected${flags.deleteMissing ? `, ${report.deleted} deleted (missing from the source)` : ''} ` +
        `in ${report.seconds.toFixed(1)} s (${rate} rows/s)\n` +
        (report.rejected > 0 && !flags.dryRun ? `rejects: ${rejectsPath}\n` : ''),
    );
  } finally {
    progress.stop();
    source.close();
    await close();
  }
  await lifecycle.end('done', 0);
}
