import { ConfigError } from '../config/validate.js';
import { printable } from '../util/text.js';

/** A variable as the inventory sets it, with the line that set it (for errors). */
export interface InventoryVar {
  value: unknown;
  line: number;
}

export type InventoryVars = Map<string, InventoryVar>;

export interface InventoryGroup {
  /** Hosts listed in the group itself, in the file's order (ranges expanded). */
  hosts: string[];
  children: string[];
  vars: InventoryVars;
}

/**
 * An Ansible inventory, INI or YAML, read into one shape: groups with their
 * hosts, child groups and vars, and each host's own vars. Every group is a
 * child of `all`, as in Ansible.
 */
export interface Inventory {
  file: string;
  groups: Map<string, InventoryGroup>;
  hosts: Map<string, { vars: InventoryVars; line: number }>;
}

/** An inventory with nothing in it but Ansible's implicit group `all`. */
export function emptyInventory(file: string): Inventory {
  return {
    file,
    groups: new Map([['all', { hosts: [], children: [], vars: new Map() }]]),
    hosts: new Map(),
  };
}

/** The group, created on first mention (a group may be named as a child before its own section). */
export function groupOf(inventory: Inventory, name: string): InventoryGroup {
  let group = inventory.groups.get(name);
  if (!group) inventory.groups.set(name, (group = { hosts: [], children: [], vars: new Map() }));
  return group;
}

/** Adds a host to a group (once), merging the vars given on this mention into its own. */
export function addHost(
  inventory: Inventory,
  group: string,
  host: string,
  vars: InventoryVars,
  line: number,
): void {
  const members = groupOf(inventory, group).hosts;
  if (!members.includes(host)) members.push(host);
  const known = inventory.hosts.get(host);
  if (known) for (const [key, value] of vars) known.vars.set(key, value);
  else inventory.hosts.set(host, { vars: new Map(vars), line });
}

/** Ansible's group names: letters, digits and underscores (dashes are deprecated but read). */
export const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** An error in the inventory: its file and line, what is wrong, what to write instead; nothing quoted raw. */
export const inventoryError = (
  file: string,
  line: number,
  what: string,
  problem: string,
  example?: string,
): ConfigError => new ConfigError(file, what, problem, example, { line, column: 1 });

const RANGE = /^(.*?)\[([A-Za-z0-9]+):([A-Za-z0-9]+)(?::(\d+))?\](.*)$/;

/**
 * Expands Ansible's host ranges: `web[1:3]` is web1 web2 web3, `db-[01:10:2]`
 * keeps the zero padding and steps by 2, `[a:c]` counts letters; several
 * ranges in one pattern multiply. A pattern with none is itself.
 */
export function expandHostPattern(pattern: string, file: string, line: number): string[] {
  const match = RANGE.exec(pattern);
  if (!match) return [pattern];
  const [, head, from, to, step = '1', tail] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const by = Number(step);
  const bad = () =>
    inventoryError(
      file,
      line,
      printable(pattern),
      'is not a host range: [START:END] or [START:END:STEP], numbers or single letters, START before END',
      'web[1:3]',
    );
  let names: string[];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') ? from.length : 0;
    names = counted(Number(from), Number(to), by).map((n) => String(n).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    names = counted(from.charCodeAt(0), to.charCodeAt(0), by).map((c) => String.fromCharCode(c));
  } else throw bad();
  // A fleet of thousands is a mistyped range, not a rollout this tool should start.
  if (names.length === 0 || by < 1 || names.length > 1000) throw bad();
  return names.flatMap((middle) => expandHostPattern(`${head}${middle}${tail}`, file, line));
}

function counted(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let n = from; step >= 1 && n <= to && out.length <= 1000; n += step) out.push(n);
  return out;
}
