import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { parseInventory } from '../../src/cluster/inventory.js';
import { knownGroups, machinePlanOf } from '../../src/cluster/inventory-plan.js';
import { KINDS } from '../../src/cluster/registry.js';
import { at, clientNetworks } from '../../src/cluster/addresses.js';
import { componentDir, type Topology } from '../../src/cluster/layout.js';
import { shellLine, shellQuote } from '../../src/cluster/machines/machine.js';
import { splitWords } from '../../src/cluster/machines/ssh-link.js';

const GROUPS = knownGroups(KINDS);

const base = {
  mode: 'native' as const,
  basePort: 21000,
  dir: '/tmp/c',
  seedProducts: 0,
  observability: false,
};

/** An inventory of named machines at 10.0.0.<n>, with the groups given. */
function inventoryOf(groups: Record<string, string[]>, extra = ''): string {
  const hosts = [...new Set(Object.values(groups).flat())];
  return [
    'all:',
    '  hosts:',
    ...hosts.map((h, n) => `    ${h}: { ansible_host: 10.0.0.${n + 1} }`),
    '  children:',
    ...Object.entries(groups).flatMap(([g, members]) => [
      `    ${g}:`,
      '      hosts:',
      ...members.map((m) => `        ${m}:`),
    ]),
    extra,
  ].join('\n');
}

function planOf(groups: Record<string, string[]>, given: Record<string, number> = {}, observability = false) {
  const inventory = parseInventory(inventoryOf(groups), GROUPS, 'test.yaml');
  const plan = machinePlanOf(
    inventory,
    KINDS,
    given,
    { ...base, observability },
    {
      hostKeys: 'check',
      source: 'test.yaml',
    },
  );
  const t: Topology = { ...base, observability, placement: 'machines', ...plan };
  return { plan, t };
}

const SMALL = {
  postgres: ['db1', 'db2'],
  pgpool: ['pp1'],
  api: ['app1', 'app2'],
  nginx: ['web1'],
  redis: ['db1'],
};

test('an inventory: variables of all, then of each group, then of the host; defaults for the rest', () => {
  const text = `
all:
  vars:
    ansible_user: deploy
    ansible_become: yes
    ansible_ssh_private_key_file: ~/.ssh/lab
  hosts:
    db1:
      ansible_host: 10.1.0.5
      ansible_port: 2222
    10.1.0.6:
  children:
    postgres:
      vars:
        bazaar_root: /srv/bazaar/
        ansible_ssh_common_args: "-o ProxyJump=bastion"
      hosts:
        db1:
        10.1.0.6:
    api:
      hosts:
        db1:
          bazaar_root: /data/bz
`;
  const inventory = parseInventory(text, GROUPS, 'lab.yaml');
  assert.deepEqual(inventory.groups, { postgres: ['db1', '10.1.0.6'], api: ['db1'] });
  assert.deepEqual(inventory.hosts.db1, {
    name: 'db1',
    address: '10.1.0.5',
    port: 2222,
    user: 'deploy',
    key: `${homedir()}/.ssh/lab`,
    commonArgs: '-o ProxyJump=bastion',
    become: true,
    root: '/data/bz',
  });
  // A host named by its address is its own address; the group's root loses its trailing slash.
  assert.equal(inventory.hosts['10.1.0.6']!.address, '10.1.0.6');
  assert.equal(inventory.hosts['10.1.0.6']!.root, '/srv/bazaar');
  assert.equal(inventory.hosts['10.1.0.6']!.port, 22);
});

test('an inventory is refused at the door: not YAML, an unknown group, a host without an address', () => {
  assert.throws(() => parseInventory('all: [', GROUPS, 'x.yaml'), /x\.yaml: not YAML/);
  assert.throws(
    () => parseInventory(inventoryOf({ databases: ['a'] }), GROUPS, 'x.yaml'),
    /x\.yaml: unknown group "databases"; groups are named after what runs there: .*postgres.*load/,
  );
  assert.throws(
    () => parseInventory('all:\n  children:\n    postgres:\n      hosts:\n        db1:\n', GROUPS, 'x.yaml'),
    /host db1 has no address \(ansible_host\)/,
  );
  assert.throws(
    () =>
      parseInventory(
        'all:\n  hosts:\n    db1: { ansible_host: a, bazaar_root: relative }\n',
        GROUPS,
        'x.yaml',
      ),
    /bazaar_root must be an absolute folder/,
  );
});

test('counts come from the groups; a count flag takes the first machines of its group', () => {
  const { plan } = planOf(SMALL);
  assert.equal(plan.counts.postgres, 2);
  assert.equal(plan.counts.api, 2);
  assert.equal(plan.counts.cassandra, 0, 'no group: none');
  assert.deepEqual(plan.machines.assigned.api, ['app1', 'app2']);
  const one = planOf(SMALL, { api: 1 }).plan;
  assert.equal(one.counts.api, 1);
  assert.deepEqual(one.machines.assigned.api, ['app1']);
  assert.throws(() => planOf(SMALL, { api: 3 }), /--api 3 asks for more machines than group api has \(2\)/);
  const { pgpool: _, ...noPgpool } = SMALL;
  assert.throws(() => planOf(noPgpool), /group pgpool needs at least 1 machine\(s\), it has 0/);
});

test('kinds without a group of their own run on their group in turn, sidecars beside their server', () => {
  const { plan } = planOf({ ...SMALL, redis: ['db1', 'db2', 'pp1'], monitoring: ['mon'] }, {}, true);
  assert.deepEqual(plan.machines.assigned.sentinel, ['db1', 'db2', 'pp1']);
  assert.deepEqual(plan.machines.assigned.prometheus, ['mon']);
  assert.deepEqual(plan.machines.assigned['postgres-exporter'], ['db1', 'db2']);
  assert.throws(() => planOf(SMALL, {}, true), /needs a machine: add a group monitoring/);
});

test('on machines, each server takes its standard port unless another on its machine has it too', () => {
  const { t } = planOf({ ...SMALL, redis: ['db1', 'db2'] });
  assert.deepEqual(at(t, 'postgres', 0), { host: '10.0.0.1', port: 5432 });
  assert.deepEqual(at(t, 'api', 1), { host: '10.0.0.5', port: 8080 });
  assert.deepEqual(at(t, 'redis', 1), { host: '10.0.0.2', port: 6379 });
  // Three Sentinels over two Redis machines: the two on db1 take the port plan's, db2's its own.
  assert.deepEqual(t.machines?.assigned.sentinel, ['db1', 'db2', 'db1']);
  assert.equal(at(t, 'sentinel', 0).host, '10.0.0.1');
  assert.equal(at(t, 'sentinel', 2).port, at(t, 'sentinel', 0).port + 2);
  assert.ok(at(t, 'sentinel', 0).port > 21000);
  assert.deepEqual(at(t, 'sentinel', 1), { host: '10.0.0.2', port: 26379 });
  assert.equal(componentDir(t, 'postgres', 1), '/opt/bazaar/cluster-21000/postgres-1');
  // The servers' clients: every machine in use, and the launcher once it is known.
  const withControl = { ...t, machines: { ...t.machines, control: '10.9.9.9' } };
  assert.deepEqual(clientNetworks(withControl).sort(), [
    '10.0.0.1/32',
    '10.0.0.2/32',
    '10.0.0.3/32',
    '10.0.0.4/32',
    '10.0.0.5/32',
    '10.0.0.6/32',
    '10.9.9.9/32',
  ]);
});

test('shell words: quoted only when they must be, and ansible_ssh_common_args split as a shell would', () => {
  assert.equal(shellQuote('/opt/bazaar/x.conf'), '/opt/bazaar/x.conf');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellLine('echo', ['a b', '$HOME']), `echo 'a b' '$HOME'`);
  assert.deepEqual(splitWords(`-o ProxyJump=bastion -o "UserKnownHostsFile=/a b/kh" -v`), [
    '-o',
    'ProxyJump=bastion',
    '-o',
    'UserKnownHostsFile=/a b/kh',
    '-v',
  ]);
});

test('the example inventory in lab/inventories is read as its comments say', async () => {
  const text = await readFile(new URL('../../lab/inventories/three-machines.yaml', import.meta.url), 'utf8');
  const inventory = parseInventory(text, GROUPS, 'three-machines.yaml');
  const { counts, machines } = machinePlanOf(
    inventory,
    KINDS,
    {},
    { ...base, observability: true },
    {
      hostKeys: 'check',
      source: 'three-machines.yaml',
    },
  );
  assert.deepEqual([counts.postgres, counts.pgpool, counts.api, counts.nginx, counts.redis], [2, 2, 3, 2, 3]);
  assert.deepEqual(machines.load, ['app1']);
  assert.deepEqual(machines.assigned.prometheus, ['app1']);
  assert.equal(inventory.hosts.db1!.root, '/opt/bazaar');
});
