import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusAge } from '../../src/cluster/pool-nodes.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOf, type Topology } from '../../src/cluster/layout.js';
// The kinds declare their ports as their modules load.
import '../../src/cluster/registry.js';
import { failoverScripts, syncStandbysAtStart } from '../../src/cluster/failover-scripts.js';
import { recoveryScripts } from '../../src/cluster/recovery-scripts.js';
import { run } from '../../src/platform/processes.js';

const t: Topology = {
  counts: { postgres: 3, pgpool: 3, api: 2, nginx: 2 },
  mode: 'streaming',
  basePort: 20000,
  dir: '/tmp/bazaar-scripts',
  seedProducts: 0,
};
const pg = { bin: '/usr/lib/postgresql/15/bin', share: '/usr/share/postgresql/15', version: '15' };

/** `sh -n`: the shell reads the script through without running anything. */
async function parses(name: string, body: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-sh-'));
  const file = join(dir, name);
  try {
    await writeFile(file, body);
    await run('/bin/sh', ['-n', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the failover, follow-primary and failback scripts parse, and pgpool.conf names each with every argument', async () => {
  const scripts = failoverScripts(t, 1, {
    psql: `${pg.bin}/psql`,
    pcpAttach: '/usr/sbin/pcp_attach_node -n',
  });
  assert.deepEqual(Object.keys(scripts.files).sort(), ['failback.sh', 'failover.sh', 'follow_primary.sh']);
  for (const [name, body] of Object.entries(scripts.files)) {
    await parses(name, body);
    // Every backend is known to the script, by its address.
    for (let i = 0; i < countOf(t, 'postgres'); i++)
      assert.match(body, new RegExp(`${i}\\) echo "127\\.0\\.0\\.1 ${20100 + i}"`));
  }
  for (const setting of ['failover_command', 'follow_primary_command', 'failback_command'])
    assert.match(scripts.settings[setting]!, /\/pgpool-1\/\w+\.sh %d %h %p %D %m %H %M %P %r %R %N %S$/);
  await parses('up.sh', syncStandbysAtStart(t, `${pg.bin}/psql`));
});

test('the online recovery scripts parse; streaming refuses a standby as its source and rewinds before it copies', async () => {
  for (const mode of ['native', 'streaming'] as const) {
    const scripts = recoveryScripts({ ...t, mode }, pg);
    for (const [name, body] of Object.entries(scripts)) await parses(name, body);
    if (mode === 'streaming') {
      const first = scripts.recovery_1st_stage!;
      assert.match(first, /pg_is_in_recovery\(\)'\)" != f \]; then/);
      assert.ok(
        first.indexOf('pg_rewind') < first.indexOf('pg_basebackup'),
        'rewind first, copy only if it fails',
      );
      assert.match(first, /standby\.signal/);
    }
  }
});

test("a backend's status age is read from pgpool-II's last_status_change, in local time", () => {
  const changed = new Date(2026, 11, 3, 13, 53, 12).getTime();
  const node = { node_id: '1', status: 'down', role: 'replica', last_status_change: '2026-12-03 13:53:12' };
  assert.equal(statusAge(node, changed + 2500), 2.5);
  assert.equal(statusAge({ ...node, last_status_change: '' }), undefined);
  assert.equal(statusAge({ node_id: '1', status: 'down', role: 'replica' }), undefined);
});
