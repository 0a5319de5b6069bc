import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/config.js';
import { VERSION } from '../version.js';
import type { ImportFlags } from './import.command.js';
import type { ExportFlags } from './export.command.js';
import { DESCRIPTIONS } from './command-descriptions.js';

// Each command's module is imported when that command runs: the app, the drivers and the cluster
// launcher take seconds to load, which `--help` and every other command need not wait for.

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`an integer in ${min}..${max}`);
    return n;
  };
}

const program = new Command()
  .name('bazaar')
  .description('Bazaar: a horizontally scaled online-store backend and a lab to measure it')
  .version(VERSION);

program
  .command('serve')
  .description('Run one API instance (embedded PostgreSQL under .bazaar/ unless DATABASE_URL is set)')
  .option('--port <port>', 'listen port (env PORT, default 8080)')
  .option('--host <host>', 'listen address (env HOST, default 127.0.0.1)')
  .option(
    '--database-url <url>',
    'one or more PostgreSQL/pgpool endpoints, comma-separated (env DATABASE_URL)',
  )
  .option('--cart-store <store>', 'postgres or redis (env CART_STORE)')
  .option('--catalog-store <store>', 'postgres or cassandra (env CATALOG_STORE)')
  .option('--instance-id <id>', 'shown in X-Served-By (env INSTANCE_ID, default hostname:port)')
  .option('--log-level <level>', 'pino level (env LOG_LEVEL, default info)')
  .action(async (options) => (await import('./serve.command.js')).serve(options));

program
  .command('seed')
  .description(
    'Load deterministic demo data (Russian and English products, customers) through the configured stores',
  )
  .option('--products <n>', 'products to create', integer(0, 1_000_000), 10_000)
  .option('--users <n>', 'customers to create', integer(0, 100_000), 1_000)
  .option(
    '--seed <s>',
    'seed of the generator: the same seed gives the same data',
    integer(0, 2 ** 31 - 1),
    1,
  )
  .action(async (options) => (await import('./seed.command.js')).seed(options));

program
  .command('reindex')
  .description(
    'Rebuild the search index (and, with the catalog in Cassandra, its PostgreSQL rows) from the catalog store',
  )
  .action(async () => (await import('./reindex.command.js')).reindex());

program
  .command('import')
  .description(
    'Load products from an SQLite database into the configured catalog (upsert by sku), with progress, a rejects file and a summary',
  )
  .argument('<file>', 'an SQLite database: a `bazaar export`, or any other with --map')
  .option('--map <mapping.yaml>', 'how to read the source (table or query, columns, price unit, attributes)')
  .option('--resume', 'continue the interrupted import of the same file and mapping')
  .option('--dry-run', 'check every row and report; write nothing')
  .option('--delete-missing', 'soft-delete live products whose sku the source does not have')
  .option('--batch-size <n>', 'rows per batch (one transaction each)', integer(1, 10_000), 1000)
  .option('--rejects <file>', 'where refused rows are listed (default <file>.rejects.jsonl)')
  .action(async (file: string, o: ImportFlags) =>
    (await import('./import.command.js')).importCommand(file, o),
  );

program
  .command('export')
  .description(
    "Write the catalog into a new SQLite database in Bazaar's own layout (what `bazaar import` reads)",
  )
  .argument('<file>', 'the SQLite file to write (replaced)')
  .option('--demo', 'the generated demo catalog instead of the store’s (a sample source; no store needed)')
  .option('--products <n>', 'with --demo: how many products', integer(1, 1_000_000), 10_000)
  .option('--seed <n>', 'with --demo: the generator’s seed', integer(0, 2 ** 31 - 1), 1)
  .action(async (file: string, o: ExportFlags) =>
    (await import('./export.command.js')).exportCommand(file, o),
  );

program
  .command('notifier')
  .description(
    'Turn order events from Kafka into notifications (a member of the notifier consumer group; needs DATABASE_URL and KAFKA_BROKERS)',
  )
  .option('--port <port>', 'metrics and health port (env PORT, default 9100)')
  .option('--host <host>', 'metrics listen address (env HOST, default 127.0.0.1)')
  .option('--instance-id <id>', 'names this member in logs and in the group (env INSTANCE_ID)')
  .option('--log-level <level>', 'pino level (env LOG_LEVEL, default info)')
  .action(async (options) => (await import('./notifier.command.js')).notifier(options));

program
  .command('alert-receiver', { hidden: true })
  .description("The cluster's webhook receiver for Alertmanager (started by `cluster up --observability`)")
  .requiredOption('--host <host>', 'listen address')
  .requiredOption('--port <port>', 'listen port', integer(1, 65535))
  .requiredOption('--file <file>', 'where each alert is appended as a JSON line')
  .action(async (o: { host: string; port: number; file: string }) => {
    const { serveAlertReceiver } = await import('../cluster/alert-receiver.js');
    await serveAlertReceiver(o.host, o.port, o.file);
    process.stdout.write(`alert receiver on http://${o.host}:${o.port}/alerts, writing ${o.file}\n`);
  });

program
  .command('pgpool-exporter', { hidden: true })
  .description("pgpool-II's backend states as Prometheus metrics (started by `cluster up --observability`)")
  .requiredOption('--host <host>', 'listen address')
  .requiredOption('--port <port>', 'listen port', integer(1, 65535))
  .requiredOption('--pgpools <list>', 'name=host:port of each pgpool-II, comma-separated')
  .requiredOption('--database <name>', 'database')
  .requiredOption('--user <name>', 'user')
  .requiredOption('--backends <list>', 'name=host:port of each backend, in node order, comma-separated')
  .option('--compare', "also compare the backends' row counts")
  .action(
    async (o: {
      host: string;
      port: number;
      pgpools: string;
      database: string;
      user: string;
      backends: string;
      compare?: boolean;
    }) => {
      const named = (list: string) =>
        list.split(',').map((b) => {
          const [name, address] = b.split('=');
          return { name: name!, address: address! };
        });
      const { servePgpoolExporter } = await import('../cluster/pgpool-exporter.js');
      await servePgpoolExporter({
        ...o,
        pgpools: named(o.pgpools),
        backends: named(o.backends),
        compare: o.compare === true,
      });
      process.stdout.write(`pgpool-II exporter on http://${o.host}:${o.port}/metrics for ${o.pgpools}\n`);
    },
  );

program
  .command('dashboards')
  .description(
    'Write the Grafana dashboards and provisioning files (the panels of the cluster console pages)',
  )
  .option('--out <dir>', 'output folder', 'observability/grafana')
  .action(async (o: { out: string }) => (await import('./dashboards.command.js')).writeDashboards(o.out));

// The command being run is built in full; the others are listed by name and description only.
const LAZY: Record<keyof typeof DESCRIPTIONS, () => Promise<Command>> = {
  cluster: async () => (await import('./cluster.command.js')).clusterCommand(),
  load: async () => (await import('./load.command.js')).loadCommand(),
  bench: async () => (await import('./bench.command.js')).benchCommand(),
};
const chosen = process.argv[2] === 'help' ? process.argv[3] : process.argv[2];
for (const [name, build] of Object.entries(LAZY) as Array<
  [keyof typeof DESCRIPTIONS, () => Promise<Command>]
>) {
  if (chosen === name) program.addCommand(await build());
  else program.command(name).description(DESCRIPTIONS[name]);
}

// Bad usage exits 2 everywhere (docs/cli.md), in subcommands added from other files too.
function exitTwoOnBadUsage(command: Command): void {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  command.commands.forEach(exitTwoOnBadUsage);
}
exitTwoOnBadUsage(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`bazaar: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bazaar: ${(error as Error).message ?? error}\n`);
  process.exit(1);
}
