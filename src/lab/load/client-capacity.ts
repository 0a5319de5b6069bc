import { loadApiBenchSettings } from '../../config/lab-settings.js';
import { choosePlacement } from '../bench/placement.js';
import { measureClientCapacity, type ClientCapacity } from './capacity.js';

/**
 * The load client's own ceiling, printed as figures by `npm run bench`: one worker against an
 * instant stub store, unconfined and, where simulated hosts can be made, under the client host's
 * CPU quota that `bazaar bench` gives it (what the bench's client could send at most).
 */
async function main(): Promise<void> {
  const settings = loadApiBenchSettings();
  const users = settings.capacityUsers;
  const durationMs = settings.capacityDurationS * 1000;
  const line = (where: string, c: ClientCapacity) =>
    `load client capacity (${where}): one worker, ${users} users, ${durationMs / 1000} s against an instant stub store: ` +
    `${c.rps} req/s (mean ${c.mean_ms} ms, errors ${c.errors})` +
    (c.client ? `; its quota held it back in ${c.client.throttled_pct} % of CPU periods` : '') +
    '\n';
  process.stdout.write(line('unconfined', await measureClientCapacity({ users, durationMs })));
  const { placement, reason } = await choosePlacement('auto');
  if (placement !== 'hosts') {
    process.stdout.write(`load client capacity on a client host: skipped (${reason})\n`);
    return;
  }
  const confined = await measureClientCapacity({
    users,
    durationMs,
    hostsBasePort: settings.capacityBasePort,
  });
  process.stdout.write(line(`on a client host of ${confined.client?.cores} core`, confined));
}

main().catch((error: unknown) => {
  process.stderr.write(`client capacity: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
