import { join } from 'node:path';
import { serverEnv } from '../../config/child-env.js';
import { startBazaarServer } from '../simple-server.js';
import { startAll, defineKind } from '../kind.js';
import { componentDir, type Topology } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { parseReceivedAlerts, type ReceivedAlert } from '../alert-receiver.js';

/** Every alert the receiver kept, read on its machine, oldest first. */
export async function receivedAlerts(t: Topology): Promise<ReceivedAlert[]> {
  return parseReceivedAlerts((await machineOf(t, 'receiver', 0).readFile(alertsFile(t))) ?? '');
}

/** Where the receiver keeps every alert it was sent (`cluster alerts` reads it). */
export function alertsFile(t: Topology): string {
  return join(componentDir(t, 'receiver', 0), 'alerts.jsonl');
}

/** The launcher's webhook receiver: Alertmanager's alerts, firing and resolved, kept in a file. */
export const receiverKind = defineKind({
  name: 'receiver',
  title: 'alert receiver',
  dependsOn: [],
  ports: { receiver: { offset: 750, standard: 9095 } },
  // A Node.js process: its start alone needs ~130 MB and most of a core-second.
  host: { block: 210, code: 'rc', cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  machineGroup: 'monitoring',
  count: (t) => (t.observability ? 1 : 0),
  address: (t, i) => at(t, 'receiver', i),
  // Runs on the Node.js this command runs on: nothing to install.
  requirements: () => [],
  async up(ctx) {
    await startAll(ctx, this);
  },
  start: (ctx, i) => {
    const { host, port } = at(ctx.topology, 'receiver', i);
    return startBazaarServer(
      ctx.topology,
      receiverKind,
      i,
      ['alert-receiver', '--host', host, '--port', String(port), '--file', alertsFile(ctx.topology)],
      serverEnv(),
    );
  },
});
