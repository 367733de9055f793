import { printable } from '../util/text.js';
import {
  addHost,
  emptyInventory,
  expandHostPattern,
  groupOf,
  GROUP_NAME,
  inventoryError,
  type Inventory,
  type InventoryVars,
} from './inventory-model.js';

type Section = { group: string; kind: 'hosts' | 'vars' | 'children' };

const HEADER = /^\[([^\]:]*)(?::([^\]]*))?\]$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/** Words split as a shell would, enough for `host a=1 b="two words"`; a `#` or `;` word starts a comment. */
function words(text: string): string[] | undefined {
  const out: string[] = [];
  let rest = text.trim();
  while (rest) {
    if (rest.startsWith('#') || rest.startsWith(';')) break;
    const m = /^(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/.exec(rest);
    if (!m) return undefined;
    out.push(
      m[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_q, d?: string, s?: string) =>
        d !== undefined ? d.replace(/\\(.)/g, '$1') : (s ?? ''),
      ),
    );
    rest = rest.slice(m[0].length).trimStart();
  }
  return out;
}

/** A value as written: quotes taken off. Numbers stay text; whoever reads a var parses it. */
function unquoted(text: string): string | undefined {
  const parts = words(text);
  return parts && parts.length <= 1 ? (parts[0] ?? '') : undefined;
}

/**
 * Reads an INI inventory: `[group]` sections of host lines (`name` then
 * `key=value` vars, ranges such as `web[1:3]`), `[group:vars]` sections of
 * `key=value` lines, `[group:children]` sections of group names, `#` and `;`
 * comments. Hosts before any section are `ungrouped`. Throws at the first
 * line that is none of these, naming it by number.
 */
export function parseIniInventory(text: string, file: string): Inventory {
  const inventory = emptyInventory(file);
  let section: Section = { group: 'ungrouped', kind: 'hosts' };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (!content || content.startsWith('#') || content.startsWith(';')) return;
    if (content.startsWith('[')) return void (section = header(content, file, line));
    if (section.kind === 'children') {
      const child = unquoted(content);
      if (!child || !GROUP_NAME.test(child))
        throw inventoryError(
          file,
          line,
          `[${section.group}:children]`,
          `line "${printable(content)}" is not a group name (letters, digits and _)`,
          'web',
        );
      const { children } = groupOf(inventory, section.group);
      groupOf(inventory, child);
      if (!children.includes(child)) children.push(child);
      return;
    }
    if (section.kind === 'vars') {
      const [key, value] = assignment(content, file, line, `[${section.group}:vars]`);
      groupOf(inventory, section.group).vars.set(key, { value, line });
      return;
    }
    hostLine(inventory, section.group, content, file, line);
  });
  return inventory;
}

function header(content: string, file: string, line: number): Section {
  const match = HEADER.exec(content.replace(/\s+[#;].*$/, ''));
  const [, group = '', kind = 'hosts'] = match ?? [];
  if (!match || !GROUP_NAME.test(group) || !['hosts', 'vars', 'children'].includes(kind))
    throw inventoryError(
      file,
      line,
      '(section)',
      `"${printable(content)}" is not a section header: [group], [group:vars] or [group:children], the group named with letters, digits and _`,
      '[web:children]',
    );
  return { group, kind: kind as Section['kind'] };
}

function assignment(content: string, file: string, line: number, where: string): [string, string] {
  const match = ASSIGNMENT.exec(content);
  const value = match ? unquoted(match[2]!) : undefined;
  if (!match || value === undefined)
    throw inventoryError(
      file,
      line,
      where,
      `line "${printable(content)}" is not key=value (quote a value that has spaces)`,
      'ansible_user=deploy',
    );
  return [match[1]!, value];
}

function hostLine(
  inventory: Inventory,
  group: string,
  content: string,
  file: string,
  line: number,
): void {
  const parts = words(content);
  const [pattern, ...assignments] = parts ?? [];
  if (!pattern)
    throw inventoryError(
      file,
      line,
      `[${group}]`,
      `line "${printable(content)}" has an unclosed quote`,
      'web1 ansible_host=10.0.0.1',
    );
  const vars: InventoryVars = new Map();
  for (const word of assignments) {
    const at = word.indexOf('=');
    const key = word.slice(0, at);
    if (at < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw inventoryError(
        file,
        line,
        `[${group}]`,
        `"${printable(word)}" after host ${printable(pattern)} is not key=value`,
        `${printable(pattern)} ansible_host=10.0.0.1 ansible_port=22`,
      );
    vars.set(key, { value: word.slice(at + 1), line });
  }
  for (const host of expandHostPattern(pattern, file, line))
    addHost(inventory, group, host, vars, line);
}
