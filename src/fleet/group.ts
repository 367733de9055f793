import type { TargetConfig } from '../config/types.js';

/**
 * A fleet as the engine takes it, wherever it came from: a `group` entry of
 * the config (`{"group": [TARGET…], "canary": 1, "batchSize": 2,
 * "maxFailures": 0}`) or an Ansible inventory group (`--inventory FILE
 * --group NAME`). Both resolve to this, so a rollout cannot tell them apart.
 */
export interface ResolvedFleet {
  /** The group's name: the config key, or `inventory:<group>` for an inventory group. */
  name: string;
  /** In the order given; every member is a full target with defaults applied. */
  members: FleetMember[];
  /** How many hosts go first, one after another, through every phase. @default 1 */
  canary: number;
  /** How many hosts run in parallel in each batch after the canary. @default 1 */
  batchSize: number;
  /** How many failed hosts the rollout tolerates before it halts. @default 0 */
  maxFailures: number;
}

export interface FleetMember {
  /** The member's name: its config target name, or the inventory host name. */
  name: string;
  target: TargetConfig;
}
