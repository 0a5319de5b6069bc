import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startListening, type Started } from '../../platform/processes.js';

export const ADMIN = { email: 'admin@bazaar.local', password: 'bench-admin-password' };

const bin = fileURLToPath(new URL('../../../bin/bazaar.js', import.meta.url));
const bare = fileURLToPath(new URL('./bare-server.js', import.meta.url));

/** An API instance on a database of the bench, with its own state folder and these settings. */
export async function startApi(
  name: string,
  databaseUrl: string,
  baseEnv: Readonly<Record<string, string>>,
  env: Record<string, string> = {},
): Promise<Started> {
  return startListening(
    [bin, 'serve', '--port', '0', '--instance-id', name, '--log-level', 'warn'],
    {
      ...baseEnv,
      DATABASE_URL: databaseUrl,
      // One PostgreSQL, as the embedded default: nothing replicates.
      BAZAAR_DATABASE_REPLICATION: 'none',
      BAZAAR_STATE_DIR: await mkdtemp(join(tmpdir(), `bazaar-bench-${name}-`)),
      BAZAAR_ADMIN_PASSWORD: ADMIN.password,
      BAZAAR_AUTH_SECRET: 'bench-auth-secret-shared-by-instances',
      ...env,
    },
    /serving on (http:\/\/\S+)/,
  );
}

/** The yardstick every figure is a ratio to: a bare Node.js server. */
export function startBareServer(baseEnv: Readonly<Record<string, string>>): Promise<Started> {
  return startListening([bare], baseEnv, /listening on (http:\/\/\S+)/);
}

/** What a new user waits for on `npm start`: from launch to serving, on a state folder of its own. */
export async function measureFirstStart(baseEnv: Readonly<Record<string, string>>): Promise<number> {
  const stateDir = await mkdtemp(join(tmpdir(), 'bazaar-first-start-'));
  const begun = Date.now();
  try {
    const api = await startListening(
      [bin, 'serve', '--port', '0', '--instance-id', 'first-start', '--log-level', 'warn'],
      { ...baseEnv, BAZAAR_STATE_DIR: stateDir, BAZAAR_ADMIN_PASSWORD: ADMIN.password },
      /serving on (http:\/\/\S+)/,
    );
    const readyMs = Date.now() - begun;
    await api.stop();
    return readyMs;
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
