import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
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

const GROUP_KEYS = new Set(['hosts', 'children', 'vars']);

/**
 * Reads a YAML inventory: top-level groups (usually `all`), each a map of
 * optional `hosts` (host → its vars), `children` (group → the same shape)
 * and `vars`. Host names may be ranges. Errors name the line; the YAML
 * parser's own messages quote the file, so only their kind is kept.
 */
export function parseYamlInventory(text: string, file: string): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const lineOf = (node: Node | Pair | null | undefined): number => {
    const offset = (node && 'range' in node ? node.range?.[0] : undefined) ?? 0;
    return lines.linePos(offset).line;
  };
  const first = doc.errors[0];
  if (first)
    throw inventoryError(
      file,
      first.linePos?.[0].line ?? 1,
      '(file)',
      `is not valid YAML (${first.code.toLowerCase().replaceAll('_', ' ')}): fix the indentation or quoting there`,
    );
  const inventory = emptyInventory(file);
  const root = doc.contents;
  if (root === null) return inventory;
  if (!isMap(root))
    throw inventoryError(file, lineOf(root), '(root)', 'must be a map of groups', 'all:');

  const mapOf = (node: unknown, where: string, example: string) => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null))
      return undefined;
    if (!isMap(node))
      throw inventoryError(file, lineOf(node as Node), where, 'must be a map', example);
    return node;
  };
  const keyOf = (pair: Pair): string => {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number')
      throw inventoryError(file, lineOf(pair.key as Node), '(key)', 'must be a plain name');
    return String(key);
  };
  const varsOf = (node: unknown, where: string): InventoryVars => {
    const vars: InventoryVars = new Map();
    for (const pair of mapOf(node, where, 'ansible_user: deploy')?.items ?? []) {
      const value = pair.value as Node | null;
      vars.set(keyOf(pair), { value: value?.toJSON() ?? null, line: lineOf(pair.key as Node) });
    }
    return vars;
  };

  const readGroup = (name: string, node: unknown, line: number): void => {
    if (!GROUP_NAME.test(name))
      throw inventoryError(
        file,
        line,
        printable(name),
        'is not a group name: letters, digits and _',
        'web',
      );
    const group = groupOf(inventory, name);
    for (const pair of mapOf(node, name, 'hosts:')?.items ?? []) {
      const key = keyOf(pair);
      const at = lineOf(pair.key as Node);
      if (!GROUP_KEYS.has(key))
        throw inventoryError(
          file,
          at,
          `${name}.${printable(key)}`,
          'is not a group key: hosts, children or vars',
          'children:',
        );
      if (key === 'vars') {
        for (const [k, v] of varsOf(pair.value, `${name}.vars`)) group.vars.set(k, v);
        continue;
      }
      for (const entry of mapOf(pair.value, `${name}.${key}`, `${key}:`)?.items ?? []) {
        const entryName = keyOf(entry);
        const entryLine = lineOf(entry.key as Node);
        if (key === 'children') {
          if (!group.children.includes(entryName)) group.children.push(entryName);
          readGroup(entryName, entry.value, entryLine);
          continue;
        }
        const vars = varsOf(entry.value, `${name}.hosts.${printable(entryName)}`);
        for (const host of expandHostPattern(entryName, file, entryLine))
          addHost(inventory, name, host, vars, entryLine);
      }
    }
  };
  for (const pair of root.items) readGroup(keyOf(pair), pair.value, lineOf(pair.key as Node));
  return inventory;
}
