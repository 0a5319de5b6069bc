import { open, readFile, rename, writeFile } from 'node:fs/promises';
import type { Reject, RejectSink } from '../../modules/catalog/transfer/transfer.ports.js';

/**
 * The rejects of an import as JSON lines (batch, source key, field, reason), each batch's on disk
 * before its checkpoint is written.
 */
export class RejectsFile implements RejectSink {
  constructor(readonly path: string) {}

  async truncateAfter(batch: number): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const kept = text
      .split('\n')
      .filter(Boolean)
      .filter((line) => (JSON.parse(line) as Reject).batch <= batch);
    await writeFile(`${this.path}.new`, kept.map((l) => `${l}\n`).join(''));
    await rename(`${this.path}.new`, this.path);
  }

  async append(rejects: readonly Reject[]): Promise<void> {
    if (rejects.length === 0) return;
    const file = await open(this.path, 'a');
    try {
      await file.write(rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}
