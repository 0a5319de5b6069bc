import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * A secret kept under `.bazaar/` (mode 0600): read when present, generated once otherwise.
 * Returns whether it was created now, so the caller can print it the one time.
 */
export async function stateSecret(
  stateDir: string,
  name: string,
  bytes = 24,
): Promise<{ value: string; created: boolean; path: string }> {
  const path = join(stateDir, name);
  try {
    const value = (await readFile(path, 'utf8')).trim();
    // A file made by hand (or by an older version) is narrowed to its owner too.
    await chmod(path, 0o600).catch(() => undefined);
    return { value, created: false, path };
  } catch {
    const value = randomBytes(bytes).toString('base64url');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    // Another process may have won the race to create it: its value is the one to use.
    return { value: (await readFile(path, 'utf8')).trim(), created: true, path };
  }
}
