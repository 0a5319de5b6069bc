#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script). Bazaar runs on
// Node.js 24, which `npm ci` installs into node_modules/.bin (the `node` package): npm scripts and
// `npx bazaar` find it first on PATH. Started by an older `node` directly, the CLI runs itself
// again on that Node.js 24, passing signals on, so every way in ends on the same runtime (ADR 10).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major < REQUIRED_MAJOR) {
  const local = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(local)) {
    process.stderr.write(
      `bazaar: needs Node.js ${REQUIRED_MAJOR} (this is ${process.version}); run \`npm ci\` in the checkout, which installs it\n`,
    );
    process.exit(1);
  }
  const child = spawn(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const entry = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(fileURLToPath(entry))) {
    process.stderr.write(
      'bazaar: dist/ is missing; run `npm ci` (or `npm run build`) in the checkout first\n',
    );
    process.exit(1);
  }
  await import(entry.href);
}
