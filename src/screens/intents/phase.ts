import type { StepReport } from '../../engine/runner.js';
import { buildExecutionLog } from '../../export/build.js';
import { toMarkdown } from '../../export/markdown.js';
import type { TuiCore } from '../app/core.js';
import { keyLabel } from '../app/keys.js';
import type { UiState } from '../app/state.js';
import { rollBack } from '../../engine/workflows/rollback.js';
import { reachSummary } from './issues.js';
import { stepRange } from './service-down.js';
import { workflowContext } from './workflow.js';
import { writeExecutionLog } from './export.js';

const DONE = ['succeeded', 'rolled_back'];

/** The runner of the deployment on screen, or a notice when there is none (the start screen). */
function runnerOf(core: TuiCore) {
  if (!core.runner) core.notify('No deployment yet: choose one on this screen first', 'error');
  return core.runner;
}

/** After a run: say how it ended, ask when the engine needs the operator, open the summary at the end. */
function conclude(core: TuiCore, report: StepReport | undefined): void {
  const runner = core.runner;
  if (!runner) return;
  if (DONE.includes(runner.deployment.status)) return reachSummary(core);
  if (!report) return;
  if (report.status === 'blocked')
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'rerun',
        question: `${report.summary}. Re-run ${report.stepId} anyway?`,
      },
    });
  if (report.status === 'failed')
    return core.notify(
      `${report.stepId} failed: ${report.summary} — ${keyLabel('retry')} retry · ${keyLabel('skip')} skip · ${keyLabel('rollback')} roll back`,
      'error',
      stillFailed(report.stepId),
    );
  if (report.status === 'unsettled')
    return core.notify(`${report.stepId}: ${report.summary}`, 'error');
  const next = runner.nextStep();
  if (next && next.phase !== report.stepId.split('.')[0])
    core.notify(
      `Phase ${report.stepId.split('.')[0]} complete. ${keyLabel('continue')}: start phase ${next.phase} with ${next.id} ${next.title}`,
      'ok',
      (state) => state.steps.find((s) => s.id === next.id)?.status === 'pending',
    );
}

/** A notice about a failed step holds while it stands failed (not once it is retried, skipped or rolled back). */
const stillFailed = (stepId: string) => (state: UiState) =>
  state.steps.find((s) => s.id === stepId)?.status === 'failed';

/** Enter and A refuse to run past a failed step: retrying, skipping or rolling back is the operator's call. */
function blockedByFailure(core: TuiCore): boolean {
  const runner = core.runner!;
  const next = runner.nextStep();
  if (next && runner.stepStatus(next.id) !== 'failed') return false;
  if (!next) conclude(core, undefined);
  else
    core.notify(
      `${next.id} failed: ${keyLabel('retry')} retry · ${keyLabel('skip')} skip (asks a reason) · ${keyLabel('rollback')} roll back`,
      'error',
      stillFailed(next.id),
    );
  return true;
}

export async function runNext(core: TuiCore): Promise<void> {
  const runner = runnerOf(core);
  if (!runner || blockedByFailure(core)) return;
  const next = runner.nextStep()!;
  conclude(core, await core.work(`running ${next.id} ${next.title}`, () => runner.runNext()));
}

export async function runPhase(core: TuiCore): Promise<void> {
  const runner = runnerOf(core);
  if (!runner || blockedByFailure(core)) return;
  const phase = runner.nextStep()!.phase;
  conclude(
    core,
    await core.work(`running the rest of phase ${phase}`, () => runner.runMany('phase')),
  );
}

/**
 * "Start the service" from the question `q` asks while it is down. The
 * service starts only as a step: 3.1 (R.6 in a rollback), with its journal,
 * its `sudo -n <serviceCtl> start` and its check that the service stays
 * active. Started out of order, it would run a half-updated tree (2.2 done,
 * 2.3 not) and leave the steps before it to run under a live service; so
 * this runs the deployment's own steps from the next one through its start
 * step, as Enter would one by one, and stops at the first that fails.
 */
export async function startService(core: TuiCore): Promise<void> {
  const runner = runnerOf(core);
  const target = core.targetState();
  if (!runner || !target?.startStep || !target.startRuns) return;
  const through = target.startStep;
  conclude(
    core,
    await core.work(
      `starting ${core.deps.target.serviceName}: running ${stepRange(target.startRuns)}`,
      () => runner.runMany({ through }),
    ),
  );
}

/** `r`: runs the failed step again; `confirmRerun` after the operator said `y` to a step that may have partly run. */
export async function retry(core: TuiCore, confirmRerun = false): Promise<void> {
  const runner = runnerOf(core);
  if (!runner) return;
  const next = runner.nextStep();
  if (!next || runner.stepStatus(next.id) !== 'failed')
    return core.notify('Nothing to retry: no step has failed', 'info');
  conclude(
    core,
    await core.work(`retrying ${next.id} ${next.title}`, () => runner.runNext({ confirmRerun })),
  );
}

/** `s`: asks the reason; `skip` records it. */
export function requestSkip(core: TuiCore): void {
  const next = runnerOf(core)?.nextStep();
  if (!next) return;
  if (core.busy) return core.notify('A step is running: skip once it has ended', 'error');
  core.dispatch({
    type: 'overlay',
    overlay: { kind: 'reason', intent: 'skip', prompt: `Skip ${next.id} ${next.title} — reason:` },
  });
}

export async function skip(core: TuiCore, reason: string): Promise<void> {
  const runner = runnerOf(core);
  if (!runner) return;
  await core.work('skipping', () => runner.skip(reason));
  conclude(core, undefined);
}

/** `R`: asks `y` first. */
export function requestRollback(core: TuiCore): void {
  const runner = runnerOf(core);
  if (!runner) return;
  if (core.busy)
    return core.notify(
      'A step is running: roll back once it has ended (Ctrl-C stops waiting)',
      'error',
    );
  const d = runner.deployment;
  const question =
    d.mode === 'rollback'
      ? `Continue the rollback of ${d.id}?`
      : `Roll back ${d.id} to ${d.versionFrom ?? 'the previous version'}? This runs the Emergency Rollback steps.`;
  core.dispatch({ type: 'overlay', overlay: { kind: 'confirm', intent: 'rollback', question } });
}

/** Switches to the Emergency Rollback (settling interrupted steps first) and runs its steps. */
export async function rollback(core: TuiCore): Promise<void> {
  const runner = runnerOf(core);
  if (!runner) return;
  const report = await core.work('rolling back', () =>
    rollBack(workflowContext(core), runner, (switched) => {
      if (switched) core.lines.push(`── Emergency Rollback of ${runner.deployment.id} ──`, 'note');
      core.sync();
    }),
  );
  conclude(core, report);
}

/** `e`: writes the execution log (Markdown) and says where. */
export function exportLog(core: TuiCore): void {
  const runner = runnerOf(core);
  if (!runner) return;
  const id = runner.deployment.id;
  writeExecutionLog(core, id, () => toMarkdown(buildExecutionLog(core.deps.store, id)));
}
