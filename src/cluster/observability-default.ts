import { userInfo } from 'node:os';
import type { ClusterSettings } from '../config/cluster-settings.js';
import { KINDS } from './registry.js';
import { distinct, installMissing } from './requirements.js';
import type { Topology } from './layout.js';

/**
 * Whether `cluster up` brings up observability when neither flag says: yes when Prometheus,
 * Alertmanager and the exporters of this topology are installed or can be (as root, from the
 * package mirror); otherwise the cluster comes up without them and says so.
 */
export async function observabilityAvailable(
  topology: Topology,
  settings: ClusterSettings,
  say: (line: string) => void,
): Promise<boolean> {
  // The kinds that run only with observability on.
  const on = { ...topology, observability: true };
  const off = { ...topology, observability: false };
  const requirements = distinct(
    KINDS.filter((k) => k.count(on) > 0 && k.count(off) === 0).flatMap((k) => k.requirements(settings)),
  );
  if (requirements.every((r) => r.find())) return true;
  if (userInfo().uid !== 0) {
    say('observability left out: its packages are not installed (`--observability` as root installs them)');
    return false;
  }
  try {
    await installMissing(requirements, say);
    return true;
  } catch (error) {
    say(`observability left out: ${(error as Error).message}`);
    return false;
  }
}
