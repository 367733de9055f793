import type { TargetConfig } from '../config/types.js';
import type { FleetMember } from './group.js';

/** How a member is reached: these never appear in a step's script, which runs on the host itself. */
const CONNECTION_KEYS = new Set([
  'transport',
  'host',
  'port',
  'username',
  'privateKeyPath',
  'knownHostsPath',
  'sshConfigPath',
]);

/** A target's settings as `key.sub` → value, for comparison. */
function settings(target: TargetConfig, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(target)) {
    const name = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of settings(value as TargetConfig, `${name}.`)) flat.set(k, v);
    else flat.set(name, JSON.stringify(value));
  }
  return flat;
}

/**
 * The settings (dotted keys, in the first member's order) in which a fleet's
 * members differ, split into how each is reached and what its steps run
 * with: a plan names them so an operator sees why hosts' scripts differ.
 */
export function memberDifferences(members: readonly FleetMember[]): {
  connection: string[];
  steps: string[];
} {
  const all = members.map((m) => settings(m.target));
  const keys = [...new Set(all.flatMap((s) => [...s.keys()]))];
  const differing = keys.filter((k) => new Set(all.map((s) => s.get(k))).size > 1);
  return {
    connection: differing.filter((k) => CONNECTION_KEYS.has(k)),
    steps: differing.filter((k) => !CONNECTION_KEYS.has(k)),
  };
}
