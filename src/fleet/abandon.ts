import { abandonDeployment } from '../engine/workflows/abandon.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import { FleetStore } from '../state/fleet-store.js';
import { UNFINISHED } from '../state/types.js';
import type { FleetRunner } from './runner.js';

/**
 * Abandons a fleet with the operator's reason, as a lone target's
 * deployment is abandoned: every host's unfinished deployment ends
 * abandoned (its lock released, the reason its resolution), then the fleet.
 * Nothing runs on any host; what a host was left as stays as it is.
 */
export async function abandonFleet(
  runner: FleetRunner,
  ctx: Pick<WorkflowContext, 'store' | 'operator'>,
  reason: string,
): Promise<void> {
  const { id } = runner.fleet;
  for (const h of runner.view().hosts) {
    const host = runner.runnerOf(h.host);
    if (host && UNFINISHED.includes(host.deployment.status))
      await abandonDeployment(ctx, host, `fleet ${id} abandoned: ${reason}`);
  }
  new FleetStore(ctx.store).setStatus(id, 'abandoned');
}
