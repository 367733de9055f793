import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { withoutBom } from '../config/json-text.js';
import { loadTarget } from '../config/load.js';
import { rules, type Rule } from '../config/rules.js';
import type { TargetConfig } from '../config/types.js';
import { ConfigError } from '../config/validate.js';
import { printable } from '../util/text.js';
import type { FleetMember, ResolvedFleet } from './group.js';
import { parseIniInventory } from './inventory-ini.js';
import {
  inventoryError,
  type Inventory,
  type InventoryVar,
  type InventoryVars,
} from './inventory-model.js';
import { parseYamlInventory } from './inventory-yaml.js';

/**
 * The group vars an inventory sets a rollout with, their defaults and their
 * range for a group of `size` hosts: those of a config group's counts.
 */
export const FLEET_VARS = {
  canary: { name: 'cvd_tui_canary', fallback: 1, min: 0, max: (size: number) => size },
  batchSize: { name: 'cvd_tui_batch_size', fallback: 1, min: 1, max: (size: number) => size },
  maxFailures: {
    name: 'cvd_tui_max_failures',
    fallback: 0,
    min: 0,
    max: (size: number) => Math.max(0, size - 1),
  },
} as const;

/** Reads an Ansible inventory file: YAML by its extension (or an opening `key:` line), else INI. */
export function readInventory(file: string): Inventory {
  let text: string;
  try {
    text = withoutBom(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(
      file,
      '(file)',
      `cannot be read (${code}): check the path given to --inventory`,
    );
  }
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
  const yaml =
    ['.yml', '.yaml'].includes(extname(file)) ||
    /^(---|[A-Za-z_][\w-]*:\s*(#.*)?$)/.test(firstLine.trim());
  return yaml ? parseYamlInventory(text, file) : parseIniInventory(text, file);
}

/**
 * The fleet an inventory group names, as a config group would resolve to.
 *
 * Where each setting comes from, and why:
 * - the hosts: the group's own and its child groups' hosts, in the file's
 *   order; each is an ssh target whose host is `ansible_host` (else its
 *   name, which ~/.ssh/config may alias), port `ansible_port`, user
 *   `ansible_user`, key `ansible_ssh_private_key_file` — Ansible's own
 *   variables, merged as Ansible does (`all`, then parent groups before
 *   child groups, then the host's own), so the file means here what it
 *   means to ansible-playbook;
 * - everything else a target needs (paths, appUser, serviceCtl, URLs,
 *   thresholds): the `template` target of the config (`--target`, else its
 *   defaultTarget). An inventory says where hosts are, not how the app is
 *   laid out on them, and a fleet is one app installed the same way on each;
 *   its host, port and user are dropped, not inherited: they name another
 *   machine;
 * - the rollout (canary, batchSize, maxFailures): the group's vars
 *   `cvd_tui_canary`, `cvd_tui_batch_size`, `cvd_tui_max_failures` (where
 *   Ansible users keep per-group settings), else 1, 1 and 0, a config
 *   group's defaults.
 */
export function inventoryFleet(
  inventory: Inventory,
  groupName: string,
  template: TargetConfig,
): ResolvedFleet {
  const { file, groups } = inventory;
  if (!groups.has(groupName))
    throw new ConfigError(
      file,
      '(file)',
      `has no group "${printable(groupName)}"; its groups: ${[...groups.keys()].map((g) => printable(g)).join(', ')}`,
    );
  const lineage = ancestry(inventory);
  const names = membersOf(inventory, groupName);
  if (names.length === 0)
    throw new ConfigError(
      file,
      '(file)',
      `group "${printable(groupName)}" has no hosts, in itself or its children: list some under it`,
    );
  const groupVars = mergedVars(inventory, [groupName], lineage);
  const members = names.map((name) => member(inventory, name, template, lineage));
  return {
    name: `inventory:${groupName}`,
    members,
    canary: fleetNumber(file, groupVars, FLEET_VARS.canary, members.length),
    batchSize: fleetNumber(file, groupVars, FLEET_VARS.batchSize, members.length),
    maxFailures: fleetNumber(file, groupVars, FLEET_VARS.maxFailures, members.length),
  };
}

/** Hosts of a group and of its children, depth first, each once. */
function membersOf(inventory: Inventory, group: string, seen = new Set<string>()): string[] {
  if (seen.has(group)) return [];
  seen.add(group);
  const g = inventory.groups.get(group);
  if (!g) return [];
  const hosts = group === 'all' ? [...inventory.hosts.keys()] : g.hosts;
  return [...new Set([...hosts, ...g.children.flatMap((c) => membersOf(inventory, c, seen))])];
}

/**
 * The groups whose vars apply to a host or group listed in `groups`: those
 * and their ancestors up to `all`, in the order Ansible merges them (shallow
 * before deep, then by name), so a child group's vars win over its parent's.
 */
function ancestry(inventory: Inventory): (groups: string[]) => string[] {
  const parents = new Map<string, string[]>();
  for (const [name, group] of inventory.groups)
    for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), name]);
  const depths = new Map<string, number>();
  const depth = (group: string, path: string[] = []): number => {
    if (group === 'all') return 0;
    const known = depths.get(group);
    if (known !== undefined) return known;
    if (path.includes(group))
      throw new ConfigError(
        inventory.file,
        `${printable(group)}:children`,
        'makes groups each other’s children: break the loop',
      );
    const above = parents.get(group) ?? [];
    const d = 1 + Math.max(0, ...above.map((p) => depth(p, [...path, group])));
    depths.set(group, d);
    return d;
  };
  const up = (group: string, acc: Set<string>): Set<string> => {
    if (acc.has(group)) return acc;
    acc.add(group);
    for (const p of parents.get(group) ?? []) up(p, acc);
    return acc;
  };
  return (groups) =>
    [...groups.reduce((acc, g) => up(g, acc), new Set<string>())]
      .concat('all')
      .filter((g, i, all) => all.indexOf(g) === i)
      .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

function mergedVars(
  inventory: Inventory,
  groups: string[],
  lineage: (groups: string[]) => string[],
): InventoryVars {
  const vars: InventoryVars = new Map();
  for (const group of lineage(groups))
    for (const [k, v] of inventory.groups.get(group)?.vars ?? []) vars.set(k, v);
  return vars;
}

function member(
  inventory: Inventory,
  name: string,
  template: TargetConfig,
  lineage: (groups: string[]) => string[],
): FleetMember {
  const { file } = inventory;
  const own = inventory.hosts.get(name)!;
  const direct = [...inventory.groups].filter(([, g]) => g.hosts.includes(name)).map(([n]) => n);
  const vars = mergedVars(inventory, direct, lineage);
  for (const [k, v] of own.vars) vars.set(k, v);
  if (!rules.name.test(name) && !rules.host.test(name))
    throw inventoryError(
      file,
      own.line,
      printable(name),
      'is not a usable host name: letters, digits and ._@- (or an IP address)',
      'web1',
    );
  const pick = (...keys: string[]): Found | undefined =>
    keys.map((key) => ({ key, found: vars.get(key)! })).find((k) => k.found);
  const host = setting(file, name, pick('ansible_host', 'ansible_ssh_host'), rules.host);
  const port = setting(file, name, pick('ansible_port', 'ansible_ssh_port'), rules.port, Number);
  const username = setting(file, name, pick('ansible_user', 'ansible_ssh_user'), rules.name);
  const key = setting(
    file,
    name,
    pick('ansible_ssh_private_key_file', 'ansible_private_key_file'),
    rules.path,
  );
  // The template's host, port and user name another machine: dropped, never inherited.
  const settings: TargetConfig = { ...template };
  delete settings.host;
  delete settings.port;
  delete settings.username;
  const target: TargetConfig = {
    ...settings,
    transport: 'ssh',
    host: host ?? name,
    ...(port !== undefined && { port }),
    ...(username !== undefined && { username }),
    ...(key !== undefined && { privateKeyPath: key }),
  };
  return { name, target };
}

type Found = { key: string; found: InventoryVar };

/** One of Ansible's connection vars, checked by the config's own rule for that setting. */
function setting<T = string>(
  file: string,
  host: string,
  given: Found | undefined,
  rule: Rule,
  parse: (text: string) => T = (text) => text as T,
): T | undefined {
  if (!given) return undefined;
  const text = String(given.found.value);
  const value = parse(text);
  if (rule.test(value)) return value;
  throw inventoryError(
    file,
    given.found.line,
    `${printable(host)}.${given.key}`,
    `must be ${rule.expect}, got "${printable(text)}"`,
    rule.example,
  );
}

function fleetNumber(
  file: string,
  vars: InventoryVars,
  spec: (typeof FLEET_VARS)[keyof typeof FLEET_VARS],
  size: number,
): number {
  const found = vars.get(spec.name);
  if (!found) return spec.fallback;
  const text = String(found.value);
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  const max = spec.max(size);
  if (value >= spec.min && value <= max) return value;
  throw inventoryError(
    file,
    found.line,
    spec.name,
    `must be a whole number from ${spec.min} to ${max} for a group of ${size} hosts, got "${printable(text)}"`,
    String(spec.fallback),
  );
}

/**
 * `--inventory FILE --group NAME`: the fleet, its members' settings taken
 * from the config's `target` (else its defaultTarget).
 */
export function loadInventoryFleet(request: {
  inventory: string;
  group: string;
  config?: string;
  target?: string;
}): ResolvedFleet {
  const { target } = loadTarget(request.config, request.target);
  return inventoryFleet(readInventory(request.inventory), request.group, target);
}
