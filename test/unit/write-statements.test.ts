import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// ADR 11's rule, checked on every statement the PostgreSQL adapters can send: a write's result
// depends only on the rows it writes. Behind pgpool-II's native replication every backend runs
// the write and must answer it identically; rows a write reads besides its own depend on which
// concurrent transactions have committed on that backend at that moment.

const ADAPTERS = 'src/adapters/postgres';

/** Tables whose rows never change once written: a write may read them (order lines). */
const APPEND_ONLY = new Set(['order_items']);

interface Found {
  file: string;
  name: string;
  text: string;
}

/** Every `{ name: '...', text: ... }` statement of the adapters, with `${...}` left as written. */
function statements(): Found[] {
  const found: Found[] = [];
  for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(ADAPTERS, file), 'utf8');
    const pattern = /name:\s*'([^']+)',\s*text:\s*(?:onPrimary\()?\s*(`[^`]*`|'[^']*')/g;
    for (const match of source.matchAll(pattern)) {
      found.push({ file, name: match[1]!, text: match[2]!.slice(1, -1) });
    }
  }
  return found;
}

const isWrite = (sql: string) =>
  /^\s*(\/\*[^*]*\*\/\s*)?(INSERT|UPDATE|DELETE)\b/i.test(sql) ||
  (/^\s*WITH\b/i.test(sql) && /\(\s*(INSERT|UPDATE|DELETE)\b/i.test(sql));

/** Why a write statement breaks the rule, or undefined when it keeps it. */
function violation(sql: string): string | undefined {
  if (!isWrite(sql)) return undefined;
  if (/\bUNION\b/i.test(sql)) return 'combines its own rows with rows read elsewhere (UNION)';
  const ctes = new Set([...sql.matchAll(/\b(\w+)\s+AS\s*\(/gi)].map((m) => m[1]!.toLowerCase()));
  const written = new Set(
    [...sql.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/gi)].map((m) => m[1]!.toLowerCase()),
  );
  for (const m of sql.matchAll(/\b(?:FROM|JOIN|USING)\s+(\w+)/gi)) {
    const table = m[1]!.toLowerCase();
    if (table === 'unnest' || ctes.has(table) || written.has(table) || APPEND_ONLY.has(table)) continue;
    return `reads ${table}, a table it does not write`;
  }
  // A SELECT after a data-modifying CTE answers with rows read at that moment, unless it reads
  // only the CTE's own RETURNING (checked above) or feeds an INSERT.
  const outer = sql.replace(/\((?:[^()]|\([^()]*\))*\)/g, '()');
  if (
    /^\s*WITH\b/i.test(sql) &&
    /\)\s*SELECT\b/i.test(outer) &&
    [...written].some((t) => new RegExp(`FROM\\s+${t}\\b`, 'i').test(outer))
  )
    return 'answers with rows of the table it writes that it did not write';
  return undefined;
}

test('the checker recognises the shape that broke under concurrency (kept as it was)', () => {
  const before = `WITH changed AS (
             INSERT INTO cart_items (user_id, product_id, quantity, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity
             RETURNING product_id, quantity, updated_at)
           SELECT product_id, quantity, updated_at FROM cart_items WHERE user_id = $1 AND product_id <> $2
           UNION ALL SELECT product_id, quantity, updated_at FROM changed`;
  assert.ok(violation(before));
  assert.ok(
    violation(
      'UPDATE products SET stock = stock - 1 WHERE id IN (SELECT product_id FROM cart_items WHERE user_id = $1)',
    ),
  );
  assert.equal(
    violation('UPDATE orders SET status = $2 WHERE id = $1 AND status = $3 RETURNING id'),
    undefined,
  );
  assert.equal(violation('SELECT * FROM cart_items WHERE user_id = $1'), undefined);
});

test('every write statement of the PostgreSQL adapters keeps the rule', () => {
  const all = statements();
  assert.ok(all.filter((s) => isWrite(s.text)).length >= 15, `found ${all.length} statements`);
  const broken = all
    .map((s) => ({ where: `${s.file} ${s.name}`, why: violation(s.text) }))
    .filter((s) => s.why !== undefined);
  assert.deepEqual(broken, []);
});
