import type { FleetHostRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import { changedHost } from './build-view.js';

/**
 * A fleet's hosts whose deployment changed them and is not yet rolled back,
 * in the order they went in (canary, then batch by batch): a fleet rollback
 * takes them in reverse, and `rollback --plan` shows that same order.
 */
export function changedHosts(store: StateStore, hosts: readonly FleetHostRecord[]): string[] {
  return hosts
    .filter((h) => {
      const d = h.deploymentId ? store.deployment(h.deploymentId) : undefined;
      return (
        h.skipReason === null &&
        d !== undefined &&
        d.status !== 'rolled_back' &&
        d.status !== 'abandoned' &&
        (d.mode === 'rollback' || changedHost(store.attempts(d.id)))
      );
    })
    .sort((a, b) => a.batch - b.batch || a.position - b.position)
    .map((h) => h.host);
}
