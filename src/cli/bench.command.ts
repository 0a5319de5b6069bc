import { Command, InvalidArgumentError } from 'commander';
import { DESCRIPTIONS } from './command-descriptions.js';
import { runBench } from '../lab/bench/bench-run.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 60000) throw new InvalidArgumentError('a port in 1024..60000');
  return n;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description(DESCRIPTIONS.bench)
    .option('--matrix <file>', 'matrix file, JSON or YAML (default lab/matrices/default.yaml)')
    .option('--out <dir>', 'report folder (default reports/<timestamp>)')
    .option('--quick', 'the small matrix (lab/matrices/quick.yaml), for tests')
    .option('--base-port <port>', 'ports of the bench clusters derive from it', port, 21000)
    .option('--work-dir <dir>', 'where the bench clusters live while they run', '.bazaar/bench')
    .option(
      '--inventory <file>',
      "run every configuration on the machines of an Ansible-style inventory (as `cluster up --inventory`), its load client on the inventory's load machines",
    )
    .option('--accept-new-host-keys', "inventory: record a machine's SSH host key on first contact")
    .action(async (o) => {
      const runs = await runBench({ ...o, say });
      if (!runs.some((r) => r.status === 'ok')) {
        say('no configuration completed');
        process.exitCode = 1;
      }
    });
}
