import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, TEST_SECRET } from './app.js';
import { Client } from './http.js';
import { startListening } from '../../src/platform/processes.js';
import { testEnv } from './env.js';

const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

export interface Instance {
  id: string;
  client: Client;
  pid: number;
  /** SIGTERM, then the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

/** A real `bazaar serve` process on a free port, sharing the given database and auth secret. */
export async function startInstance(
  id: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<Instance> {
  const stateDir = await mkdtemp(join(tmpdir(), 'bazaar-instance-'));
  const started = await startListening(
    [BIN, 'serve', '--port', '0', '--instance-id', id, '--log-level', 'warn'],
    testEnv({
      DATABASE_URL: databaseUrl,
      BAZAAR_AUTH_SECRET: TEST_SECRET,
      BAZAAR_ADMIN_EMAIL: ADMIN.email,
      BAZAAR_ADMIN_PASSWORD: ADMIN.password,
      BAZAAR_STATE_DIR: stateDir,
      BAZAAR_REGISTRATIONS_PER_MINUTE: '0',
      ...env,
    }),
    /serving on (http:\/\/\S+)/,
    60_000,
  );
  const stop = async () => {
    const code = await started.stop();
    await rm(stateDir, { recursive: true, force: true });
    return code;
  };
  return { id, pid: started.pid, client: new Client(started.url), stop };
}
