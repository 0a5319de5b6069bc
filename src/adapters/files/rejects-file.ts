import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Reject, RejectSink } from '../../modules/catalog/index.js';

/**
 * The rejects of an import as JSON lines (batch, source key, field, reason and the row as read),
 * each batch's on disk before its checkpoint is written. No file when nothing was refused.
 */
export class RejectsFile implements RejectSink {
  constructor(readonly path: string) {}

  async truncateAfter(batch: number): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const kept = text
      .split('\n')
      .filter(Boolean)
      .filter((line) => (JSON.parse(line) as Reject).batch <= batch);
    if (kept.length === 0) {
      await rm(this.path, { force: true });
      return;
    }
    await writeFile(`${this.path}.new`, kept.map((l) => `${l}\n`).join(''));
    await rename(`${this.path}.new`, this.path);
  }

  async append(rejects: readonly Reject[]): Promise<void> {
    if (rejects.length === 0) return;
    const file = await open(this.path, 'a');
    try {
      await file.write(rejects.map((r) => `${JSON.stringify(r, cellAsJson)}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}

/** Cells JSON cannot hold as they are: a big integer as its digits, bytes as base64. */
function cellAsJson(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}
