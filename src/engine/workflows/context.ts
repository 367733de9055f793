import type { EngineContext } from '../context.js';
import { recordTakeover, takeDeployLock } from '../lock.js';
import type { Preflight } from '../preflight.js';

/**
 * What the workflows (begin, resume, roll back, abandon) work with. A front
 * end builds it once; where the CLI and the TUI must behave differently it
 * says so here, explicitly, instead of writing the workflow again.
 */
export interface WorkflowContext extends EngineContext {
  /** `--take-over-lock`: take the target's lock from a holder whose process is gone. */
  takeOver: boolean;
  /**
   * The pre-deployment checks of the version; throws to refuse it. Headless
   * refuses any failed check (no one can give a reason); the TUI refuses only
   * an unknown tag (a failed check is the operator's call on the checklist).
   */
  check: (version: string) => Promise<Preflight>;
}

/**
 * Takes (or, for a deployment that holds it, refreshes) the target's deploy
 * lock for `deploymentId`, and records a takeover in the deployment's events.
 * Held by another deployment: throws LockHeld with the holder named.
 */
export async function holdTargetLock(ctx: WorkflowContext, deploymentId: string): Promise<void> {
  const tookOver = await takeDeployLock({ ...ctx, deploymentId });
  recordTakeover(ctx.store, deploymentId, ctx.operator, tookOver);
}
