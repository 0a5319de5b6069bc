import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { parse } from 'yaml';

/**
 * An Ansible-style YAML inventory (the format operators already keep): machines, how to reach them
 * over SSH, and groups named after server kinds that say which machines run which (ADR 24).
 */
export interface InventoryHost {
  /** Its inventory name. */
  readonly name: string;
  /** `ansible_host`: where SSH and every other server reach it. */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly key?: string;
  readonly commonArgs?: string;
  /** `ansible_become`: commands run as root through `sudo -n`. */
  readonly become: boolean;
  /** `bazaar_root`: the folder on that machine that holds everything Bazaar puts there. */
  readonly root: string;
}

export interface Inventory {
  readonly hosts: Readonly<Record<string, InventoryHost>>;
  /** Each group's machines, in the order the inventory lists them. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** Groups Ansible itself defines, which name no kind. */
const ANSIBLE_GROUPS = new Set(['all', 'ungrouped']);

type Vars = Record<string, unknown>;

interface RawGroup {
  hosts?: Record<string, Vars | null> | null;
  vars?: Vars | null;
  children?: Record<string, RawGroup | null> | null;
}

/** Reads an inventory's text; `known` lists the group names it may use (kinds' groups, `load`). */
export function parseInventory(text: string, known: ReadonlySet<string>, source = 'inventory'): Inventory {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${source}: not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isObject(document))
    throw new Error(`${source}: an inventory is a mapping of groups (all: hosts: ...)`);
  const groups = new Map<string, string[]>();
  const hostVars = new Map<string, Vars[]>();
  const walk = (name: string, group: RawGroup | null, inherited: Vars[]) => {
    if (group !== null && !isObject(group as unknown))
      throw new Error(`${source}: group ${name} is not a mapping`);
    const vars: Vars[] = [...inherited, ...(group?.vars ? [group.vars] : [])];
    const members = groups.get(name) ?? [];
    groups.set(name, members);
    for (const [host, own] of Object.entries(group?.hosts ?? {})) {
      if (own !== null && !isObject(own))
        throw new Error(`${source}: host ${host} has vars that are not a mapping`);
      if (!members.includes(host)) members.push(host);
      hostVars.set(host, [...(hostVars.get(host) ?? []), ...vars, ...(own ? [own as Vars] : [])]);
    }
    for (const [child, body] of Object.entries(group?.children ?? {})) {
      walk(child, body, vars);
      for (const host of groups.get(child) ?? []) if (!members.includes(host)) members.push(host);
    }
  };
  for (const [name, group] of Object.entries(document)) walk(name, group as RawGroup | null, []);
  for (const name of groups.keys())
    if (!ANSIBLE_GROUPS.has(name) && !known.has(name))
      throw new Error(
        `${source}: unknown group "${name}"; groups are named after what runs there: ${[...known].join(', ')}`,
      );
  const hosts: Record<string, InventoryHost> = {};
  for (const [name, layers] of hostVars)
    hosts[name] = hostOf(name, Object.assign({}, ...layers) as Vars, source);
  const kept: Record<string, string[]> = {};
  for (const [name, members] of groups) if (!ANSIBLE_GROUPS.has(name)) kept[name] = members;
  return { hosts, groups: kept };
}

function hostOf(name: string, vars: Vars, source: string): InventoryHost {
  const text = (key: string) => {
    const value = vars[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`${source}: ${name}'s ${key} is not a string`);
    return String(value);
  };
  const address = text('ansible_host') ?? (isIP(name) ? name : undefined);
  if (!address) throw new Error(`${source}: host ${name} has no address (ansible_host)`);
  const port = Number(text('ansible_port') ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${source}: ${name}'s ansible_port is not a port`);
  const root = text('bazaar_root') ?? '/opt/bazaar';
  if (!root.startsWith('/') || root === '/')
    throw new Error(`${source}: ${name}'s bazaar_root must be an absolute folder`);
  const key = text('ansible_ssh_private_key_file');
  const commonArgs = text('ansible_ssh_common_args');
  return {
    name,
    address,
    port,
    user: text('ansible_user') ?? 'root',
    ...(key ? { key: key.replace(/^~(?=\/)/, homedir()) } : {}),
    ...(commonArgs ? { commonArgs } : {}),
    become: truthy(vars.ansible_become),
    root: root.replace(/\/+$/, ''),
  };
}

function truthy(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'string' && ['yes', 'true', 'y', 'on', '1'].includes(value.toLowerCase()))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
