import type { ClusterSettings } from '../config/cluster-settings.js';
import type { KindContext, ServerKind } from './kind.js';
import type { Topology } from './layout.js';
import type { VerifyResult } from './results.js';
import type { ClusterState } from './state.js';

// Parts of `Cluster` that walk the registry and hold no state of their own.

/** What an API instance or the seeder is given: the caller's BAZAAR_* and every kind's share. */
export function appEnvOf(
  state: ClusterState,
  settings: ClusterSettings,
  kinds: readonly ServerKind[],
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    // The lab's load generator is one client address playing thousands of shoppers, who register
    // as they go: no per-address limit in the lab's cluster unless the caller's shell sets one.
    BAZAAR_REGISTRATIONS_PER_MINUTE: '0',
    ...settings.passedEnv,
    LOG_LEVEL: settings.appLogLevel,
    BAZAAR_AUTH_SECRET: state.secret,
    BAZAAR_ADMIN_PASSWORD: state.adminPassword,
    // The cluster is seeded once, by the seed stage; instances never seed on start.
    BAZAAR_SEED_ON_START: 'off',
    ...Object.assign({}, ...kinds.map((k) => k.appEnv?.(state.topology) ?? {})),
    ...extra,
  };
}

/** Every kind that can compare its copies does: PostgreSQL backends, Redis replicas. */
export async function verifyKinds(kinds: readonly ServerKind[], ctx: KindContext): Promise<VerifyResult> {
  const result: VerifyResult = { ok: true, differences: [], summaries: [] };
  for (const kind of kinds) {
    if (!kind.verify || kind.count(ctx.topology) === 0) continue;
    const part = await kind.verify(ctx);
    result[part.key] = part.details;
    result.summaries.push(part.summary);
    result.differences.push(...part.differences);
  }
  result.ok = result.differences.length === 0;
  return result;
}

/** A component by name (`postgres:1`), or an error listing the names this topology has. */
export function resolveComponent(
  kinds: readonly ServerKind[],
  t: Topology,
  name: string,
): { kind: ServerKind; index: number } {
  const [kindName, indexText] = name.split(':');
  const kind = kinds.find((k) => k.name === kindName);
  const index = Number(indexText);
  if (!kind || !/^\d+$/.test(indexText ?? '') || index >= kind.count(t)) {
    const names = kinds.filter((k) => k.count(t) > 0).map((k) => `${k.name}:0`);
    throw new Error(`no component "${name}"; names look like ${names.join(', ')}`);
  }
  return { kind, index };
}
