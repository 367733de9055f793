import type { Runner } from '../engine/runner.js';
import { abandonDeployment } from '../engine/workflows/abandon.js';
import { rollBack } from '../engine/workflows/rollback.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import type { FleetHostRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import { UNFINISHED } from '../state/types.js';
import { changedHost } from './build-view.js';
import type { FleetHalt } from './view.js';

/** One member as a rollback takes it: its workflow context and (once begun) its runner. */
export interface RollbackMember {
  ctx: WorkflowContext;
  runner: Runner | undefined;
}

/**
 * The hosts a fleet rollback restores, in the order it restores them: every
 * host whose deployment changed it (a step past phase 1 ran, or its own
 * rollback began) and is not rolled back, skipped or abandoned, the reverse
 * of the order they went in (the last batch first, the canary last).
 */
export function rollbackOrder(store: StateStore, records: readonly FleetHostRecord[]): string[] {
  return records
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
    .sort((a, b) => b.batch - a.batch || b.position - a.position)
    .map((h) => h.host);
}

/**
 * Runs the Emergency Rollback of each host in `order`, one after another.
 * Returns where it stopped (a host whose rollback did not end rolled back),
 * so the fleet halts there and later hosts stay as they are; null when every
 * host is rolled back.
 */
export async function rollBackInOrder(
  order: readonly string[],
  memberOf: (host: string) => RollbackMember,
): Promise<FleetHalt | null> {
  for (const host of order) {
    const { ctx, runner } = memberOf(host);
    const report = await rollBack(ctx, runner!);
    if (runner!.deployment.status !== 'rolled_back')
      return {
        host,
        stepId: report?.stepId ?? null,
        reason: `rollback stopped: ${report?.summary ?? 'paused'}`,
        at: Date.now(),
      };
  }
  return null;
}

/**
 * Ends the deployment of every host the fleet never changed (abandoned, as a
 * lone target's would be), which releases its lock: once every changed host
 * is rolled back, nothing of the rollout is left open.
 */
export async function abandonUnchanged(
  hosts: readonly string[],
  memberOf: (host: string) => RollbackMember,
  fleetId: string,
): Promise<void> {
  for (const host of hosts) {
    const { ctx, runner } = memberOf(host);
    if (runner && UNFINISHED.includes(runner.deployment.status))
      await abandonDeployment(
        ctx,
        runner,
        `fleet ${fleetId} rolled back before this host was changed`,
      );
  }
}
