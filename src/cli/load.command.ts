import { Command, InvalidArgumentError, Option } from 'commander';
import { DESCRIPTIONS } from './command-descriptions.js';
import { runLoadCommand } from '../lab/load/load-run.js';
import { parseDuration } from '../platform/duration.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function positive(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(`${name} must be in (0, ${max}]`);
    return n;
  };
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
}

function duration(name: string, { positive = false } = {}) {
  return (value: string): number => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError(`${name}: ${(error as Error).message}`);
    }
    if (positive && ms <= 0) throw new InvalidArgumentError(`${name} must be more than 0`);
    return ms;
  };
}

function urls(value: string): string[] {
  const list = value
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of list) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new InvalidArgumentError(`not a URL: ${u}`);
    }
    if (parsed.protocol !== 'http:') throw new InvalidArgumentError(`only http:// targets: ${u}`);
  }
  if (list.length === 0) throw new InvalidArgumentError('no targets given');
  return list;
}

export function loadCommand(): Command {
  return (
    new Command('load')
      .description(DESCRIPTIONS.load)
      .option(
        '--targets <urls>',
        'comma-separated base URLs (default: the running cluster’s nginx, else http://127.0.0.1:8080)',
        urls,
      )
      .addOption(
        new Option('--users <n>', 'closed model: concurrent shopaholics')
          .argParser(integer('--users', 1, 100_000))
          .conflicts('arrival'),
      )
      .addOption(
        new Option('--arrival <rate>', 'open model: new sessions per second').argParser(
          positive('--arrival', 100_000),
        ),
      )
      .option(
        '--max-sessions <n>',
        'open model: cap of concurrent sessions',
        integer('--max-sessions', 1, 100_000),
        1000,
      )
      // Defaults shown as people write durations (60s), not as the milliseconds they parse to.
      .addOption(
        new Option('--duration <d>', 'measured time')
          .argParser(duration('--duration', { positive: true }))
          .default(60_000, '60s'),
      )
      .addOption(
        new Option('--warmup <d>', 'time before measuring')
          .argParser(duration('--warmup'))
          .default(10_000, '10s'),
      )
      .addOption(
        new Option('--think <d>', 'pause between a session’s steps')
          .argParser(duration('--think'))
          .default(0, '0ms'),
      )
      .option('--workers <n>', 'load processes', integer('--workers', 1, 64), 1)
      .option('--scenario <name|file>', 'a scenario in lab/scenarios/, or a JSON/YAML file', 'shopaholic')
      .option('--seed <s>', 'seed of the sessions’ choices', integer('--seed', 0, 2 ** 31 - 1), 1)
      .option(
        '--admin-password <p>',
        'for admin sessions (default: the cluster’s, BAZAAR_ADMIN_PASSWORD or .bazaar/admin-password)',
      )
      .option('--dir <dir>', 'cluster folder for default targets', '.bazaar/cluster')
      .option('--out <file>', 'write the results as JSON')
      .action((o) => runLoadCommand({ ...o, say }))
  );
}
