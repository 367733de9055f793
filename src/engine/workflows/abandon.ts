import type { Runner } from '../runner.js';
import type { WorkflowContext } from './context.js';

/**
 * Abandons the runner's deployment with the operator's reason: its status
 * ends (which releases the target's lock) and the reason becomes the
 * execution log's resolution.
 */
export async function abandonDeployment(
  ctx: Pick<WorkflowContext, 'store' | 'operator'>,
  runner: Runner,
  reason: string,
): Promise<void> {
  await runner.abandon(reason);
  ctx.store.setResolution(runner.deployment.id, `Abandoned by ${ctx.operator}: ${reason}`);
}
