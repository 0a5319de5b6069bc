import { spawn } from 'node:child_process';
import { shellQuote as q } from './machine.js';
import type { SshLink } from './ssh-link.js';

// Software that is not a Debian package (Cassandra's and Kafka's server jars, the JMX agent) is
// fetched once into the launcher's cache and sent to the machines that run it, as a folder named
// after its version under `<root>/software`: sent once per machine, kept while a cluster uses it.

const shipped = new Map<string, Promise<string>>();

/** The folder under `<root>/software` for software of this name (its version is in the name). */
export function softwareFolder(root: string, name: string): string {
  return `${root}/software/${name}`;
}

/**
 * A local folder's copy on the machine, sent first unless the machine has a complete one (a copy
 * is complete once renamed into place). Returns the copy's path.
 */
export function shipFolder(link: SshLink, root: string, localDir: string, name: string): Promise<string> {
  const key = `${link.host.name}|${root}|${name}`;
  let done = shipped.get(key);
  if (!done) {
    done = (async () => {
      const folder = softwareFolder(root, name);
      const has = await link.exec(`[ -d ${q(folder)} ] && echo y || echo n`);
      if (has.trim() === 'y') return folder;
      // Jars are compressed already: a plain tar, streamed as it is made; renamed into place only
      // once both ends agree it is whole.
      const tar = spawn('tar', ['-cf', '-', '-C', localDir, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const packed = new Promise<void>((resolve, reject) => {
        let errors = '';
        tar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
        tar.on('error', reject);
        tar.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`tar of ${localDir} failed: ${errors.trim()}`)),
        );
      });
      await link.exec(
        `rm -rf ${q(folder)}.part && mkdir -p ${q(folder)}.part && tar -xf - -C ${q(folder)}.part`,
        tar.stdout,
        600_000,
      );
      await packed;
      await link.exec(`mv ${q(folder)}.part ${q(folder)}`);
      return folder;
    })();
    shipped.set(key, done);
    done.catch(() => shipped.delete(key));
  }
  return done;
}

/** Forgets which machines have which software (`cluster down` removed it). */
export function forgetShippedSoftware(): void {
  shipped.clear();
}
