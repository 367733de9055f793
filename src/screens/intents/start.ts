import { checklistComplete } from '../../engine/deployment.js';
import { abandonDeployment } from '../../engine/workflows/abandon.js';
import { beginDeployment } from '../../engine/workflows/begin.js';
import { resumeDeployment } from '../../engine/workflows/resume.js';
import type { DeploymentRecord } from '../../state/types.js';
import { versionProblem } from '../../steps/version.js';
import type { TuiCore } from '../app/core.js';
import type { StartInfo } from '../app/state.js';
import { rollback } from './phase.js';
import { workflowContext } from './workflow.js';

/**
 * The operator confirmed the version to deploy: check it (its own preflight
 * when the evidence on hand is for another version), record the deployment
 * with the checklist's evidence, and open the checklist.
 */
export async function chooseVersion(core: TuiCore, version: string): Promise<void> {
  const problem = versionProblem(version);
  if (problem) return core.notify(problem, 'error');
  await core.work(`checking ${version} on ${core.deps.targetName}`, async () => {
    const deployment = await beginDeployment(workflowContext(core), version);
    core.attach(deployment.id);
    core.dispatch({ type: 'navigate', stage: 'checklist' });
  });
}

/**
 * Reopens the deployment (engine/workflows/resume.ts): takes the target's
 * lock back, re-checks the target against what the state expects, and
 * settles what an interruption left running, its output streaming into the
 * Logs pane. Drift stops it before settling, as headless: it is listed in
 * the Logs pane and recorded, and nothing is settled or run; rolling back
 * (R) is the operator's call. `announce`: record it as resumed (not when the operator
 * only looks before rolling back).
 */
export async function settle(
  core: TuiCore,
  deployment: DeploymentRecord,
  announce: boolean,
): Promise<void> {
  const runner = core.runner!;
  const outcome = await core.work('re-checking the target and settling interrupted steps', () =>
    resumeDeployment(workflowContext(core), runner, { announce }),
  );
  if (!outcome) return;
  if (outcome.kind === 'unreachable')
    return core.notify(
      'Could not re-check the target (no answer): nothing was settled or run; check it before running anything',
      'error',
    );
  if (outcome.kind === 'drift') {
    // The Logs pane lists what differs, one line each as headless prints it: a notice is one line.
    for (const line of outcome.drift) core.lines.push(`drift: ${line}`, 'note');
    return core.notify(
      `Nothing was settled or run: the target is not as ${deployment.id} left it (Logs). Put it back and resume, or roll back (R)`,
      'error',
    );
  }
  const { reports } = outcome;
  core.notify(
    reports.length
      ? `Settled: ${reports.map((r) => `${r.stepId} ${r.status} (${r.summary})`).join('; ')}`
      : // Says what is true of the steps; the status strip says whether the service runs.
        `${deployment.id} reopened: no step is running on the target`,
    reports.some((r) => r.status !== 'succeeded') ? 'error' : 'ok',
  );
}

/** Resume: on to the checklist (if it was left unfinished) or the phase screen, settling first. */
export async function resume(core: TuiCore, deployment: DeploymentRecord): Promise<void> {
  core.attach(deployment.id);
  core.dispatch({
    type: 'navigate',
    stage: checklistComplete(core.deps.store, deployment.id) ? 'phase' : 'checklist',
  });
  await settle(core, deployment, true);
}

/** Roll back or Abandon, chosen for an unfinished deployment (or fleet): asks `y`, or a reason, first. */
export function askFirst(
  core: TuiCore,
  choice: 'Roll back' | 'Abandon',
  ask: { rollBack: string; abandon: string },
): void {
  core.dispatch({
    type: 'overlay',
    overlay:
      choice === 'Roll back'
        ? { kind: 'confirm', intent: 'rollback-unfinished', question: ask.rollBack }
        : { kind: 'reason', intent: 'abandon', prompt: ask.abandon },
  });
}

/** Roll back the unfinished deployment the start screen offered (after `y`). */
export async function rollbackUnfinished(
  core: TuiCore,
  deployment: DeploymentRecord,
): Promise<void> {
  core.attach(deployment.id);
  core.dispatch({ type: 'navigate', stage: 'phase' });
  await rollback(core);
}

/** Abandon the unfinished deployment with a reason; the start screen then offers a new one. */
export async function abandon(
  core: TuiCore,
  deployment: DeploymentRecord,
  reason: string,
  start: StartInfo,
): Promise<void> {
  const runner = core.attach(deployment.id);
  const done = await core.work(`abandoning ${deployment.id}`, async () => {
    await abandonDeployment(core.deps, runner, reason);
    return true;
  });
  if (!done) return;
  core.detach();
  core.dispatch({ type: 'start-info', start: { ...start, unfinished: undefined } });
  core.notify(`Deployment ${deployment.id} abandoned: ${reason}`, 'ok');
}
