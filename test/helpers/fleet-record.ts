import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetStore, type NewFleet } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';

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

/**
 * A state database holding fleet `f1` of group `web` (v1.0.0 to v1.0.1 by
 * alice), its hosts in the order given with their batches (0: canary), and
 * a deployment `d-<host>` begun (nothing run) for each host in `begun`.
 */
export function recordFleet(
  hosts: readonly { host: string; batch: number }[],
  begun: readonly string[],
): StateStore {
  const store = StateStore.open(join(mkdtempSync(join(tmpdir(), 'cvd-fleet-')), 'state.db'));
  const fleets = new FleetStore(store);
  fleets.create(
    newFleet(
      'f1',
      hosts.map((h) => h.host),
      {
        canary: hosts.filter((h) => h.batch === 0).length,
        batchSize: Math.max(...hosts.map((h) => hosts.filter((x) => x.batch === h.batch).length)),
        hosts: hosts.map((h, position) => ({ ...h, position })),
      },
    ),
  );
  for (const host of begun) {
    const id = `d-${host}`;
    fleets.linkHost('f1', host, id);
    store.createDeployment({
      id,
      target: host,
      operator: 'alice',
      jumpHost: 'jump',
      versionFrom: 'v1.0.0',
      versionTo: 'v1.0.1',
      startedAt: 1000,
    });
  }
  return store;
}
