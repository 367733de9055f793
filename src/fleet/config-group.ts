import { withDefaults } from '../config/defaults.js';
import { isGroupEntry, type ConfigFile, type TargetInput } from '../config/types.js';
import type { ResolvedFleet } from './group.js';

/**
 * The config's group `name` with every member a full target (defaults
 * applied), or undefined when `name` is no group. The config is validated
 * already: members exist and are targets.
 */
export function resolveConfigGroup(config: ConfigFile, name: string): ResolvedFleet | undefined {
  const entry = Object.hasOwn(config.targets, name) ? config.targets[name] : undefined;
  if (!isGroupEntry(entry)) return undefined;
  return {
    name,
    members: entry.group.map((member) => ({
      name: member,
      target: withDefaults(config.targets[member] as TargetInput),
    })),
    canary: entry.canary ?? 1,
    batchSize: entry.batchSize ?? 1,
    maxFailures: entry.maxFailures ?? 0,
  };
}
