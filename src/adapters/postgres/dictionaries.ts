import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The hunspell dictionaries the search migration loads, shipped by the npm registry. */
const DICTIONARIES = [
  { name: 'bazaar_ru', pkg: 'dictionary-ru' },
  { name: 'bazaar_en', pkg: 'dictionary-en' },
] as const;

/** The package's folder, from its main entry (its exports do not list package.json). */
function packageDir(pkg: string): string {
  return dirname(require.resolve(pkg));
}

/** Each dictionary file: where the npm package has it, and its name in `tsearch_data`. */
export function dictionaryFiles(): Array<{ source: string; name: string }> {
  return DICTIONARIES.flatMap(({ name, pkg }) => [
    { source: join(packageDir(pkg), 'index.aff'), name: `${name}.affix` },
    { source: join(packageDir(pkg), 'index.dic'), name: `${name}.dict` },
  ]);
}

/**
 * Copies the hunspell files into a server's `tsearch_data` folder as `<name>.affix` / `<name>.dict`
 * (the names PostgreSQL's ispell template reads). Every server that runs the search migration
 * needs them in its own share folder. Files already there with the same size are left alone.
 */
export async function installDictionaries(tsearchDataDir: string): Promise<void> {
  await mkdir(tsearchDataDir, { recursive: true });
  for (const { source, name } of dictionaryFiles()) await copyIfChanged(source, join(tsearchDataDir, name));
}

async function copyIfChanged(source: string, target: string): Promise<void> {
  const [a, b] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
  if (b && b.size === a.size) return;
  await copyFile(source, target);
}
