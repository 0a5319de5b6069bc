import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The documentation names only files the repository has: a link, or a path under docs/,
// examples/, lab/, src/ or test/ written in its text.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function markdownFiles(): string[] {
  const adrs = readdirSync(join(ROOT, 'docs/adr')).map((f) => join('docs/adr', f));
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs, ...adrs.filter((f) => f.endsWith('.md'))];
}

function namedPaths(file: string, text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)#\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((href) => join(dirname(file), href));
  // Plain-text paths outside code blocks (a block may draw a tree whose paths are relative to it).
  const prose = text.replace(/```[\s\S]*?```/g, '');
  const written = [...prose.matchAll(/(?<![\w./-])((?:docs|examples|lab|src|test)\/[\w./-]*\w)/g)]
    .map((m) => m[1]!)
    // A pattern such as src/modules/<domain> or reports/<timestamp> names no one file.
    .filter((path) => !/[<*{]|NNN/.test(path));
  return [...links, ...written];
}

test('README, docs/ and the ADRs name no file the repository lacks', () => {
  const missing: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const path of namedPaths(file, text))
      if (!existsSync(join(ROOT, path))) missing.push(`${file}: ${path}`);
  }
  assert.deepEqual(missing, []);
});

test('no source, test or document cites the contract by a bare file name the repository lacks', () => {
  const bare = /(?<![\w/])(api|cli|lab)\.md\b/;
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|md|yaml|toml)$/.test(entry.name)) {
        readFileSync(join(ROOT, path), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (bare.test(line.replace(/\[(api|cli|lab)\.md\]\((api|cli|lab)\.md\)/g, '')))
              offenders.push(`${path}:${i + 1}`);
          });
      }
    }
  };
  for (const dir of ['src', 'test', 'docs', 'lab']) walk(dir);
  assert.deepEqual(offenders, []);
});
