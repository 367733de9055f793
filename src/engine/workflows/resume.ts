import type { Runner, StepReport } from '../runner.js';
import { completeChecks } from './begin.js';
import { holdTargetLock, type WorkflowContext } from './context.js';

/** How reopening a deployment ended; the front end then continues (headless) or waits for the operator (TUI). */
export type ResumeOutcome =
  /** The target did not answer the drift check: nothing was settled or run. */
  | { kind: 'unreachable' }
  /** The target is not as the deployment left it (recorded as a 'drift' event): nothing was settled or run. */
  | { kind: 'drift'; drift: string[] }
  /** What an interruption left running has its outcome (`unsettled`: its journal could not be read). */
  | { kind: 'settled'; reports: StepReport[] };

/** Where the front ends differ when they reopen a deployment, said once. */
export interface ResumeOptions {
  /** Records a 'resumed' event naming the jump host; false when the operator only looks before rolling back. */
  announce: boolean;
  /**
   * The checklist, once the checks are recorded: headless ticks it by flag or
   * refuses; the TUI leaves it to its checklist screen.
   */
  confirmChecklist?: (deploymentId: string) => void;
}

/**
 * Reopens the runner's deployment: takes the target's lock back, completes
 * the checks a run killed before recording them left undone, re-checks the
 * target against what the state expects, then settles what an interruption
 * left running (finished on the target: its real outcome; still running:
 * followed to its end).
 *
 * Drift stops it before settling, for every front end: settling follows a
 * step or fails it on the word of a target that someone has changed since
 * (restarted the service, checked out other code, moved a backup), and a
 * destructive step must never be run twice by surprise. The operator puts the
 * target back and resumes, or rolls back, which settles on purpose.
 */
export async function resumeDeployment(
  ctx: WorkflowContext,
  runner: Runner,
  options: ResumeOptions,
): Promise<ResumeOutcome> {
  const deployment = runner.deployment;
  const { store, operator } = ctx;
  await holdTargetLock(ctx, deployment.id);
  await completeChecks(ctx, deployment);
  options.confirmChecklist?.(deployment.id);
  if (options.announce) store.event(deployment.id, 'resumed', operator, `from ${ctx.jumpHost}`);
  const drift = await runner.checkDrift();
  if (!drift) return { kind: 'unreachable' };
  if (drift.length) {
    store.event(deployment.id, 'drift', operator, drift.join('; '));
    return { kind: 'drift', drift };
  }
  return { kind: 'settled', reports: await rerunStopped(runner, await runner.settleInterrupted()) };
}

/**
 * A read-only step that an interruption stopped runs again now, as the
 * Ctrl-C prompt said it would: it changes nothing on the target, and its
 * outcome is then known instead of standing as a failure for the operator
 * to retry. Its stopped attempt stays recorded (failed: the state has no
 * other word for an attempt that did not finish).
 */
async function rerunStopped(runner: Runner, reports: StepReport[]): Promise<StepReport[]> {
  const settled: StepReport[] = [];
  for (const report of reports) {
    const again =
      report.stopped && runner.nextStep()?.id === report.stepId
        ? await runner.runNext()
        : undefined;
    settled.push(
      again
        ? { ...again, summary: `stopped by an interruption, ran again: ${again.summary}` }
        : report,
    );
  }
  return settled;
}
