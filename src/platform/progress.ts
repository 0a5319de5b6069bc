import cliProgress from 'cli-progress';
import type { Logger } from './logger.js';

/** How far a long step (seeding, an import) has come. */
export interface Progress {
  /** `done` of `of` units of the step `label` are finished. */
  update(label: string, done: number, of: number): void;
  /** The step is over: a bar is finished on its line. */
  stop(): void;
}

/**
 * A bar with rate and ETA on a terminal (cli-progress), one log line per update otherwise, so a
 * collector gets numbers rather than carriage returns.
 */
export function createProgress(
  logger: Logger,
  terminal = process.stdout.isTTY === true,
  stream: NodeJS.WriteStream = process.stdout,
): Progress {
  if (!terminal) {
    return { update: (label, done, of) => logger.info({ done, of }, label), stop: () => undefined };
  }
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let startedAt = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(label, done, of) {
      if (label !== current) {
        stop();
        current = label;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label.padEnd(20)} {bar} {value}/{total}  {rate}/s  ETA {eta_formatted}`,
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(of, 0, { rate: '-' });
        startedAt = Date.now();
      }
      // A rate over less than a fifth of a second says nothing.
      const seconds = (Date.now() - startedAt) / 1000;
      bar!.update(done, { rate: seconds < 0.2 ? '-' : Math.round(done / seconds) });
      if (done >= of) stop();
    },
    stop,
  };
}
