import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `bazaar` entry point: API instances and the seeder run it on this process's Node.js. */
export const BAZAAR_BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

/** The project's folder (the one holding package.json, bin/, dist/ and node_modules/). */
export const PROJECT_ROOT = dirname(dirname(BAZAAR_BIN));
