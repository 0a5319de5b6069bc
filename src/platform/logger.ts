import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { activeTraceIds } from './trace-context.js';

export type { Logger };

export interface LogOutput {
  /** Readable lines instead of JSON; by default when stdout is a terminal. */
  terminal?: boolean;
  /** Where lines go (stdout by default). */
  destination?: NodeJS.WritableStream;
  /** The instance's name (api:0), on every line. */
  instance?: string;
}

/**
 * One JSON line per event, for collectors; on a terminal the same events as readable lines
 * (pino-pretty, written synchronously so they interleave with the CLI's own output).
 */
export function createLogger(level: string, name = 'bazaar', output: LogOutput = {}): Logger {
  const options = {
    name,
    level,
    base: { pid: process.pid, ...(output.instance ? { instance: output.instance } : {}) },
    // Lines written while a traced request runs carry its trace and span ids.
    mixin: () => activeTraceIds() ?? {},
    // Nothing logs credentials on purpose; should an object carrying them ever reach a line, these
    // fields are censored (a request's headers, a body, an error's config).
    redact: {
      paths: [
        'password',
        'current_password',
        'token',
        'authorization',
        'secret',
        '*.password',
        '*.current_password',
        '*.token',
        '*.authorization',
        '*.secret',
        '*.headers.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  const terminal = output.terminal ?? process.stdout.isTTY === true;
  if (!terminal) {
    return output.destination
      ? pino(options, output.destination as unknown as DestinationStream)
      : pino(options);
  }
  return pino(
    options,
    PinoPretty({
      sync: true,
      colorize: output.destination === undefined,
      singleLine: true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      ...(output.destination ? { destination: output.destination } : {}),
    }),
  );
}
