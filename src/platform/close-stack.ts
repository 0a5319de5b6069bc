import type { Logger } from './logger.js';

/**
 * What a start has opened, each with how to close it, registered the moment it opens. Closing runs
 * newest first and runs every step whatever an earlier one threw (each failure is logged), so a
 * pool is never left open because something closed before it failed, and a start that fails
 * half-way closes exactly what it had opened.
 */
export class CloseStack {
  private readonly steps: Array<{ name: string; close: () => Promise<void> }> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers how to close what was just opened; returns it, so that opening reads as one line. */
  opened<T>(resource: T, name: string, close: (resource: T) => Promise<void>): T {
    this.steps.push({ name, close: () => close(resource) });
    return resource;
  }

  /** Closes everything registered, newest first, once; rejects after all ran if any step failed. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    const failed: string[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        await step.close();
      } catch (error) {
        failed.push(step.name);
        this.logger.error({ err: error, step: step.name }, 'closing failed; closing the rest');
      }
    }
    if (failed.length > 0) throw new Error(`closing failed: ${failed.join(', ')}`);
  }

  /** Runs a start; when it throws, closes what it had opened before passing the error on. */
  async starting<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (error) {
      await this.close().catch(() => undefined);
      throw error;
    }
  }
}
