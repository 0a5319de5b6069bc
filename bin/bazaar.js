#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('bazaar: dist/ is missing; run `npm ci` (or `npm run build`) in the checkout first\n');
  process.exit(1);
}
await import(entry.href);
