import type { FleetHostRecord } from '../state/fleet-store.js';
import type { ResolvedFleet } from './group.js';
import type { FleetPlan } from './view.js';

/**
 * Each member's batch, in group order: the first `canary` hosts are batch 0
 * (one after another), the rest fill batches 1, 2, … of `batchSize` each.
 */
export function batchesOf(
  fleet: Pick<ResolvedFleet, 'members' | 'canary' | 'batchSize'>,
): number[] {
  return fleet.members.map((_, i) =>
    i < fleet.canary ? 0 : 1 + Math.floor((i - fleet.canary) / fleet.batchSize),
  );
}

/** The plan a fleet's recorded hosts follow. */
export function planOf(hosts: readonly FleetHostRecord[], maxFailures: number): FleetPlan {
  const batches: string[][] = [];
  for (const h of hosts) if (h.batch > 0) (batches[h.batch - 1] ??= []).push(h.host);
  return {
    canary: hosts.filter((h) => h.batch === 0).map((h) => h.host),
    batches: batches.filter(Boolean),
    maxFailures,
  };
}
