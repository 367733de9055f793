import { beginDeployment, completeChecks, type BeginRequest } from '../../engine/begin.js';
import { checklistComplete } from '../../engine/deployment.js';
import { preflight } from '../../engine/preflight.js';
import type { DeploymentRecord } from '../../state/types.js';
import { versionProblem } from '../../steps/version.js';
import type { TuiCore } from '../app/core.js';
import type { StartInfo } from '../app/state.js';
import { recordTakeover } from '../../engine/lock.js';
import { takeDeployLock } from './lock.js';
import { rollback } from './phase.js';

/**
 * The begin workflow as the TUI runs it: the checks reuse the evidence on
 * hand when it is for the same version, and only an unknown tag refuses
 * (a failed check is the operator's call, with a reason, on the checklist).
 */
function tuiBegin(core: TuiCore): BeginRequest {
  const { deps } = core;
  return {
    ...deps,
    takeOver: deps.takeOverLock,
    check: async (version) => {
      const cached = core.preflight?.version === version ? core.preflight.result : undefined;
      const checks = cached ?? (await preflight(deps.transport, deps.target, version));
      core.preflight = { version, result: checks };
      if (!checks.evidence.get('tech.3')?.ok)
        throw new Error(`${version} is not a tag of the app repository on ${deps.targetName}`);
      return checks;
    },
  };
}

/**
 * The operator confirmed the version to deploy: check it (its own preflight
 * when the evidence on hand is for another version), record the deployment
 * with the checklist's evidence, and open the checklist.
 */
export async function chooseVersion(core: TuiCore, version: string): Promise<void> {
  const problem = versionProblem(version);
  if (problem) return core.notify(problem, 'error');
  await core.work(`checking ${version} on ${core.deps.targetName}`, async () => {
    const deployment = await beginDeployment(tuiBegin(core), version);
    core.attach(deployment.id);
    core.dispatch({ type: 'navigate', stage: 'checklist' });
  });
}

/**
 * Takes the deploy lock, re-checks the target against what the state expects
 * (drift: someone restarted the service or checked out other code while the
 * deployment was paused), and settles what an interruption left running
 * (finished on the target: its real outcome; still running: followed to its
 * end, its output streaming into the Logs pane). Drift is the operator's
 * call here, unlike headless: it is shown and recorded, nothing more is run.
 */
export async function settle(
  core: TuiCore,
  deployment: DeploymentRecord,
  event?: string,
): Promise<void> {
  const { store, operator, jumpHost } = core.deps;
  const runner = core.runner!;
  const result = await core.work(
    're-checking the target and settling interrupted steps',
    async () => {
      recordTakeover(
        core.deps.store,
        deployment.id,
        core.deps.operator,
        await takeDeployLock(core, deployment.id),
      );
      // A run killed between taking the lock and recording its checks left none.
      await completeChecks(tuiBegin(core), deployment);
      if (event) store.event(deployment.id, event, operator, `from ${jumpHost}`);
      const drift = await runner.checkDrift();
      if (drift?.length) store.event(deployment.id, 'drift', operator, drift.join('; '));
      return { drift, reports: await runner.settleInterrupted() };
    },
  );
  if (!result) return;
  const { drift, reports } = result;
  if (!drift)
    return core.notify(
      'Could not re-check the target (no answer): check it before running anything',
      'error',
    );
  if (drift.length)
    return core.notify(
      `The target is not as ${deployment.id} left it: ${drift.join('; ')}. Put it back, or roll back (R)`,
      'error',
    );
  core.notify(
    reports.length
      ? `Settled: ${reports.map((r) => `${r.stepId} ${r.status} (${r.summary})`).join('; ')}`
      : `${deployment.id}: nothing was left running on the target`,
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
  await settle(core, deployment, 'resumed');
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
    await runner.abandon(reason);
    core.deps.store.setResolution(deployment.id, `Abandoned by ${core.deps.operator}: ${reason}`);
    return true;
  });
  if (!done) return;
  core.detach();
  core.dispatch({ type: 'start-info', start: { ...start, unfinished: undefined } });
  core.notify(`Deployment ${deployment.id} abandoned: ${reason}`, 'ok');
}
