import { EXIT } from '../../util/exit.js';
import type { DeploymentRecord } from '../../state/types.js';
import type { TuiCore } from '../app/core.js';
import { askIssues } from './issues.js';
import { fleetEnding, fleetRoot } from './fleet.js';

const UNFINISHED = ['in_progress', 'failed'];

/** Exit code and closing words for the deployment on screen (none: the operator left the start screen). */
function ending(
  core: TuiCore,
  d: DeploymentRecord | undefined,
  interrupted: boolean,
): { code: number; message?: string } {
  if (core.fleet) return fleetEnding(core, core.fleet.control.view.getSnapshot(), interrupted);
  if (!d || !UNFINISHED.includes(d.status)) {
    const done = !d || d.status === 'succeeded' || d.status === 'rolled_back';
    return {
      code: interrupted ? EXIT.interrupted : done ? EXIT.ok : EXIT.stepFailed,
      message: d && `Deployment ${d.id}: ${d.status.replace('_', ' ')}`,
    };
  }
  return {
    code: interrupted ? EXIT.interrupted : EXIT.stepFailed,
    message: `Deployment ${d.id} is paused (${d.mode}, ${d.status.replace('_', ' ')}); state saved.\nResume with: ${core.resumeCommand(d.id)}`,
  };
}

/**
 * `q`: leaves with the state saved. While a step runs it refuses: the step's
 * outcome is worth waiting for. A failed deployment first asks the operator
 * for its issues and resolution (`asked`: they have been asked).
 */
export function quit(from: TuiCore, asked = false): void {
  // From a fleet host's screen, q leaves the whole fleet.
  const core = fleetRoot(from);
  if (core.busy)
    return core.notify(
      'A step is running: q once it has ended, or Ctrl-C to stop waiting',
      'error',
    );
  const d = core.runner?.deployment;
  if (d?.status === 'failed' && !asked) return askIssues(core, true);
  core.monitor?.stop('the operator quit');
  core.deps.onExit({ ...ending(core, d, false), stepRunning: false });
}

/** Ctrl-C: asks first while a step runs (a journaled one goes on on the target; resume settles it). */
export function interrupt(from: TuiCore, confirmed = false): void {
  const core = fleetRoot(from);
  if (core.busy && !confirmed)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'interrupt',
        question:
          'A step is running. Stop waiting and quit? A journaled step goes on on the target, a read-only one is ended; resume settles it.',
      },
    });
  core.monitor?.stop('interrupted (Ctrl-C)');
  core.deps.onExit({ ...ending(core, core.runner?.deployment, true), stepRunning: core.busy });
}

/**
 * Node is about to end with the TUI still mounted: nothing reads the
 * terminal and nothing else is pending (stdin went deaf). Left alone it
 * would exit 0 without a word; leave as `q` would, saying what happened.
 */
export function stalled(core: TuiCore): void {
  const end = ending(core, core.runner?.deployment, false);
  core.deps.onExit({
    code: Math.max(end.code, EXIT.stepFailed),
    message: ['cvd-tui stopped hearing the terminal and left.', end.message]
      .filter(Boolean)
      .join('\n'),
    stepRunning: false,
  });
}
