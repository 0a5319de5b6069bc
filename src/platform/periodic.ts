import type { Logger } from './logger.js';

/**
 * Runs `work` again and again, `delayMs()` after each run ends (never two at once), until stopped;
 * a failed run is logged and the next one comes as usual. `stop` waits for a run in progress.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly delayMs: () => number,
    private readonly logger: Logger,
    private readonly failure: string,
  ) {}

  /** Whether `stop` was asked for: a long run checks it between steps. */
  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    clearTimeout(this.timer);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.work()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, this.failure))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.delayMs());
    this.timer.unref();
  }
}
