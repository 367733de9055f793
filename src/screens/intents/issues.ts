import { failureDraft } from '../../export/issues.js';
import type { TuiCore } from '../app/core.js';

/**
 * Whether the execution log needs the operator's words: a step failed (and
 * was retried) or was skipped, the deployment was rolled back, or it stands
 * failed. A clean run is not interrupted by questions.
 */
export function somethingWentWrong(core: TuiCore): boolean {
  const runner = core.runner;
  if (!runner) return false;
  const d = runner.deployment;
  if (d.status === 'rolled_back' || d.status === 'failed') return true;
  return core.deps.store
    .attempts(d.id)
    .some((a) => a.status === 'failed' || a.status === 'skipped');
}

/**
 * Asks for "Issues encountered" (then "Resolution"); an empty answer skips.
 * The answer starts as the step failures on record, for the operator to
 * edit. `andQuit`: asked by `q`, which leaves once answered.
 */
export function askIssues(core: TuiCore, andQuit = false): void {
  const runner = core.runner;
  const draft = runner ? failureDraft(core.deps.store.attempts(runner.deployment.id)) : '';
  core.dispatch({
    type: 'overlay',
    overlay: {
      kind: 'reason',
      intent: 'issues',
      prompt: 'Issues encountered:',
      optional: true,
      andQuit,
      draft,
    },
  });
}

/**
 * The operator's words are stored as typed, as data (bound SQL parameters,
 * never a command), with secrets masked like everything else stored.
 */
function typed(core: TuiCore, text: string): string | undefined {
  const runner = core.runner;
  return runner && text.trim() ? runner.mask(text.trim()) : undefined;
}

/**
 * The draft taken as it was adds nothing: those failures are on record
 * already, as the tool saw them. Anything else is the operator's note.
 */
export function issuesGiven(core: TuiCore, text: string, andQuit = false, draft = ''): void {
  const runner = core.runner;
  const issue = typed(core, text);
  if (runner && issue && issue !== draft.trim())
    core.deps.store.addIssue(runner.deployment.id, core.deps.operator, issue);
  core.sync();
  core.dispatch({
    type: 'overlay',
    overlay: {
      kind: 'reason',
      intent: 'resolution',
      prompt: 'Resolution:',
      optional: true,
      andQuit,
    },
  });
}

export function resolutionGiven(core: TuiCore, text: string): void {
  const runner = core.runner;
  const resolution = typed(core, text);
  if (runner && resolution) core.deps.store.setResolution(runner.deployment.id, resolution);
  core.sync();
}

/** The deployment has ended (succeeded or rolled back): the summary, asking first when something went wrong. */
export function reachSummary(core: TuiCore): void {
  core.dispatch({ type: 'navigate', stage: 'summary' });
  if (somethingWentWrong(core)) askIssues(core);
}
