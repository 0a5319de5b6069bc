import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, run, signalGroup, sleep, waitUntil } from '../../src/platform/processes.js';

/**
 * Machines the launcher cannot tell from real ones: each a network namespace with an address of
 * its own on a bridge of this machine, running its own sshd (key-only login, with a key made
 * here) inside a mount namespace of its own where the deploy root is a private tmpfs: a file the
 * launcher writes here never appears there, only what it sends over SSH does.
 */
export interface TestMachine {
  readonly name: string;
  readonly address: string;
  readonly namespace: string;
  readonly sshdPid: number;
}

export interface TestMachines {
  readonly machines: readonly TestMachine[];
  /** The deploy root every machine has (private to each). */
  readonly root: string;
  readonly key: string;
  readonly knownHosts: string;
  /** An Ansible-style inventory of these machines, by group (machine names in order). */
  inventory(groups: Record<string, string[]>): string;
  /** Runs a shell command on a machine, over SSH as the launcher would (for the test's own checks). */
  sh(machine: string, script: string): Promise<string>;
  /** Stops every sshd and whatever still runs in a machine (by pid), removes namespaces and files. */
  remove(): Promise<void>;
}

function names(base: number) {
  const tag = `bt${base}`;
  return {
    bridge: `${tag}br`,
    namespace: (i: number) => `${tag}-m${i}`,
    veth: (i: number) => `${tag}m${i}`,
    // 198.19.0.0/16: the benchmark range's other half (simulated hosts use 198.18.0.0/16).
    prefix: `198.19.${Math.floor(base / 100) % 256}`,
  };
}

const ip = (...args: string[]) => run('ip', args);

/** Why test machines cannot be made here, or undefined. */
export async function testMachinesUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'test machines need root (network and mount namespaces)';
  if (!existsSync('/usr/sbin/sshd')) return 'openssh-server is not installed (`.ci/run` installs it)';
  if (!existsSync('/usr/sbin/nft')) return 'nftables is not installed (`.ci/run` installs it)';
  return undefined;
}

export async function createTestMachines(base: number, count: number): Promise<TestMachines> {
  const n = names(base);
  const dir = await mkdtemp(join(tmpdir(), `bazaar-machines-${base}-`));
  const root = `/opt/bazaar-test-${base}`;
  const key = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bazaar-test', '-f', key]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${key}.pub`));
  await mkdir('/run/sshd', { recursive: true });
  await mkdir(root, { recursive: true });
  await ip('link', 'del', n.bridge).catch(() => undefined);
  await ip('link', 'add', n.bridge, 'type', 'bridge');
  await ip('addr', 'add', `${n.prefix}.1/24`, 'dev', n.bridge);
  await ip('link', 'set', n.bridge, 'up');
  const machines: TestMachine[] = [];
  const knownHosts: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const machine = await createMachine(base, i, dir, root);
      machines.push(machine);
      knownHosts.push(`${machine.address} ${(await readFile(join(dir, `host-${i}.pub`), 'utf8')).trim()}`);
    }
  } catch (error) {
    await removeAll(base, machines, dir, root);
    throw error;
  }
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(knownHostsFile, `${knownHosts.join('\n')}\n`);
  const byName = new Map(machines.map((m) => [m.name, m]));
  const sshArgs = (m: TestMachine) => [
    '-i',
    key,
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    `root@${m.address}`,
  ];
  return {
    machines,
    root,
    key,
    knownHosts: knownHostsFile,
    inventory: (groups) => inventoryText(machines, groups, { key, knownHosts: knownHostsFile, root }),
    sh: (machine, script) => run('ssh', [...sshArgs(byName.get(machine)!), script], { timeoutMs: 60_000 }),
    remove: () => removeAll(base, machines, dir, root),
  };
}

async function createMachine(base: number, i: number, dir: string, root: string): Promise<TestMachine> {
  const n = names(base);
  const namespace = n.namespace(i);
  const address = `${n.prefix}.${10 + i}`;
  await ip('netns', 'del', namespace).catch(() => undefined);
  await ip('netns', 'add', namespace);
  await ip('link', 'add', n.veth(i), 'type', 'veth', 'peer', 'name', `${n.veth(i)}p`);
  await ip('link', 'set', n.veth(i), 'master', n.bridge);
  await ip('link', 'set', n.veth(i), 'up');
  await ip('link', 'set', `${n.veth(i)}p`, 'netns', namespace);
  await ip('-n', namespace, 'link', 'set', `${n.veth(i)}p`, 'name', 'eth0');
  await ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
  await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
  await ip('-n', namespace, 'link', 'set', 'lo', 'up');
  await ip('-n', namespace, 'route', 'add', 'default', 'via', `${n.prefix}.1`);
  const hostKey = join(dir, `host-${i}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', namespace, '-f', hostKey]);
  const config = join(dir, `sshd-${i}.conf`);
  await writeFile(
    config,
    [
      `ListenAddress ${address}:22`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      // The keys live in a temporary folder of the test's, which sshd's ownership checks refuse.
      'StrictModes no',
      'UsePAM no',
      'PidFile none',
      '',
    ].join('\n'),
  );
  const log = join(dir, `sshd-${i}.log`);
  // unshare and ip netns exec each exec the next: the pid is sshd's own.
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      namespace,
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o mode=755 bazaar-test ${root} && exec /usr/sbin/sshd -D -e -f ${config} 2>> ${log}`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  const machine = { name: `m${i}`, address, namespace, sshdPid: child.pid! };
  await waitUntil(
    async () => (await readFile(log, 'utf8').catch(() => '')).includes('Server listening'),
    15_000,
    `sshd of ${namespace} listening`,
  );
  return machine;
}

/** Every process still in a machine's network namespace, as the kernel lists them. */
async function pidsIn(namespace: string): Promise<number[]> {
  const out = await ip('netns', 'pids', namespace).catch(() => '');
  return out.split('\n').filter(Boolean).map(Number);
}

/** What still runs on each machine besides its sshd (a test asserts there is nothing). */
export async function leftoverProcesses(machines: readonly TestMachine[]): Promise<string[]> {
  const found: string[] = [];
  for (const m of machines)
    for (const pid of await pidsIn(m.namespace)) {
      if (pid === m.sshdPid) continue;
      const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      // An sshd serving a session right now (the test's own check) is not left over.
      if (command.startsWith('sshd:')) continue;
      found.push(`${m.name}: pid ${pid} ${command.replace(/\0/g, ' ').trim()}`);
    }
  return found;
}

async function removeAll(base: number, machines: readonly TestMachine[], dir: string, root: string) {
  const n = names(base);
  for (const m of machines) {
    for (const pid of await pidsIn(m.namespace)) signalGroup(pid, 'SIGKILL');
    await waitUntil(async () => (await pidsIn(m.namespace)).length === 0, 10_000, `${m.name} empty`).catch(
      () => undefined,
    );
    await ip('netns', 'del', m.namespace).catch(() => undefined);
  }
  for (const m of machines) if (isAlive(m.sshdPid)) signalGroup(m.sshdPid, 'SIGKILL');
  await ip('link', 'del', n.bridge).catch(() => undefined);
  await sleep(50);
  await rmdir(root).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

function inventoryText(
  machines: readonly TestMachine[],
  groups: Record<string, string[]>,
  o: { key: string; knownHosts: string; root: string },
): string {
  const lines = [
    'all:',
    '  vars:',
    '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${o.key}`,
    `    ansible_ssh_common_args: "-o UserKnownHostsFile=${o.knownHosts}"`,
    `    bazaar_root: ${o.root}`,
    '  hosts:',
    ...machines.flatMap((m) => [`    ${m.name}:`, `      ansible_host: ${m.address}`]),
    '  children:',
    ...Object.entries(groups).flatMap(([group, members]) => [
      `    ${group}:`,
      '      hosts:',
      ...members.map((m) => `        ${m}:`),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
