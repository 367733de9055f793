import type { Runner, StepReport } from '../runner.js';
import { holdTargetLock, type WorkflowContext } from './context.js';

/**
 * The Emergency Rollback of the runner's deployment: takes the target's lock
 * back, settles what an interruption left running (a step whose journal
 * cannot be read stops it: its outcome decides what there is to restore),
 * switches the deployment to its rollback steps unless it already rolls back
 * (NothingToRollBack: nothing on the target was changed), then runs them all.
 * `onStart` tells the front end the rollback is about to run (`switched`:
 * it has just begun, rather than being continued).
 */
export async function rollBack(
  ctx: WorkflowContext,
  runner: Runner,
  onStart: (switched: boolean) => void = () => undefined,
): Promise<StepReport | undefined> {
  await holdTargetLock(ctx, runner.deployment.id);
  for (const settled of await runner.settleInterrupted())
    if (settled.status === 'unsettled') return settled;
  const switched = runner.deployment.mode !== 'rollback';
  if (switched) runner.startRollback();
  onStart(switched);
  return runner.runMany('all');
}
