import type { Logger } from './logger.js';
import { CloseStack } from './close-stack.js';

type Closer = () => Promise<void>;

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Whatever a command starts (the embedded PostgreSQL, the HTTP server) is stopped however the
 * process ends: a signal to it or to its process group (systemd, `timeout`, a supervisor, Ctrl-C),
 * an uncaught error, or a start that fails half-way. Closers run newest first, each once.
 */
export class Lifecycle {
  private readonly closing: CloseStack;
  private ending: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {
    this.closing = new CloseStack(logger);
  }

  /** Handles signals and uncaught errors from now on. */
  install(): this {
    // A repeated signal (a group signal and its forwarded copy, a second Ctrl-C) must not cut the
    // stop short: every one after the first is ignored while the stop runs.
    for (const signal of SIGNALS) process.on(signal, () => void this.end(signal, 0));
    const crash = (error: unknown) => {
      this.logger.fatal({ err: error }, 'uncaught error: stopping what this process started');
      void this.end('uncaught error', 1);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
    return this;
  }

  /** Runs `close` when the process ends (before everything registered earlier). */
  onEnd(close: Closer): void {
    this.closing.opened(close, 'stop step', (step) => step());
  }

  /** Stops everything registered, newest first, then exits with `code`. */
  end(reason: string, code: number): Promise<void> {
    this.ending ??= (async () => {
      this.logger.info({ reason }, 'stopping');
      // Each step's failure is logged by the stack, which runs the rest whatever one throws.
      await this.closing.close().catch(() => undefined);
      process.exit(code);
    })();
    return this.ending;
  }
}
