import type { NewFleet } from '../../src/state/fleet-store.js';

/** A fleet of group `web` as FleetStore.create takes it: the first host the canary, the others batch 1. */
export const newFleet = (id: string, hosts: readonly string[], more: Partial<NewFleet> = {}) =>
  ({
    id,
    name: 'web',
    operator: 'alice',
    jumpHost: 'jump',
    versionTo: 'v1.0.1',
    canary: 1,
    batchSize: 2,
    maxFailures: 0,
    startedAt: 1000,
    hosts: hosts.map((host, i) => ({ host, position: i, batch: i && 1 })),
    ...more,
  }) satisfies NewFleet;
