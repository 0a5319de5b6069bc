import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, TEST_SECRET } from './app.js';
import { Client } from './http.js';

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
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--instance-id', id, '--log-level', 'warn'],
    {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        BAZAAR_AUTH_SECRET: TEST_SECRET,
        BAZAAR_ADMIN_EMAIL: ADMIN.email,
        BAZAAR_ADMIN_PASSWORD: ADMIN.password,
        BAZAAR_STATE_DIR: await mkdtemp(join(tmpdir(), 'bazaar-instance-')),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${id} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${id} exited (${code}):\n${output}`));
    });
  });
  return {
    id,
    pid: child.pid!,
    client: new Client(url),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
