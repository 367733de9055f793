import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetStore } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';

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
  fleets.create({
    id: 'f1',
    name: 'web',
    operator: 'alice',
    jumpHost: 'jump',
    versionTo: 'v1.0.1',
    canary: hosts.filter((h) => h.batch === 0).length,
    batchSize: Math.max(...hosts.map((h) => hosts.filter((x) => x.batch === h.batch).length)),
    maxFailures: 0,
    startedAt: 1000,
    hosts: hosts.map((h, position) => ({ ...h, position })),
  });
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
