import { EXIT } from '../../util/exit.js';
import type { DeploymentRecord } from '../../state/types.js';
import type { StepDef } from '../../steps/types.js';
import type { TuiCore } from '../app/core.js';
import { askIssues } from './issues.js';
import { askLeavingDown, downNote, downNow } from './service-down.js';
import { fleetEnding, fleetRoot } from './fleet.js';

const UNFINISHED = ['in_progress', 'failed'];

/**
 * Exit code and closing words for the deployment on screen (none: the
 * operator left the start screen). `interrupted`: by Ctrl-C, with what became
 * of the step under way, if one was.
 */
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
      message:
        d && `Deployment ${d.id}: ${core.runner?.outcome().summary ?? d.status.replace('_', ' ')}`,
    };
  }
  const down = downNote(core, d);
  const step = interrupted ? runningStep(core) : undefined;
  return {
    code: interrupted ? EXIT.interrupted : EXIT.stepFailed,
    message: [
      `Deployment ${d.id} is paused (${d.mode}, ${d.status.replace('_', ' ')}); state saved.`,
      step && `${step.id} ${step.title}: ${STEP_FATE[fateOf(step)]}.`,
      down?.state,
      `Resume with: ${core.resumeCommand(d.id)}`,
      down?.rollback,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

/** The step whose attempt is under way (a step run, or one a resume follows), if any. */
function runningStep(core: TuiCore): StepDef | undefined {
  const runner = core.runner;
  if (!runner) return undefined;
  const latest = runner.latestAttempts();
  return runner.steps().find((s) => latest.get(s.id)?.status === 'running');
}

/**
 * What leaving does to a step under way: a read-only one runs straight over
 * exec and is ended with cvd-tui (engine/interrupt.ts), and resume runs it
 * again; a step that changes the target runs under its journal there and
 * goes on, and resume follows it to its end (engine/workflows/resume.ts).
 */
const fateOf = (step: StepDef) => (step.mutates.length ? 'goesOn' : 'stopped');
/** Said on leaving, after the step's id and title. */
const STEP_FATE = {
  stopped: 'read-only, stopped on the target as cvd-tui left; resume runs it again',
  goesOn:
    'it changes the target and goes on there without cvd-tui; resume follows it to its end and records how it ended',
} as const;

/** The Ctrl-C question, one line that fits 80 columns, saying what will become of the work under way. */
function interruptQuestion(core: TuiCore, busy: string): string {
  const step = runningStep(core);
  if (!step) return `Stop ${busy} and quit? Resume picks up from here.`;
  return fateOf(step) === 'stopped'
    ? `${step.id} is read-only: quitting stops it; resume runs it again. Quit?`
    : `${step.id} goes on on the target; resume follows it to its end. Quit?`;
}

/**
 * `q`: leaves with the state saved. While a step runs it refuses: the step's
 * outcome is worth waiting for. With the service down it asks first (start
 * it, roll back, or quit anyway); a failed deployment asks the operator for
 * its issues and resolution (`asked`: they have been asked).
 */
export function quit(from: TuiCore, asked = false): void {
  // From a fleet host's screen, q leaves the whole fleet.
  const core = fleetRoot(from);
  if (core.busy)
    return core.notify(
      'A step is running: q once it has ended, or Ctrl-C to stop waiting',
      'error',
    );
  const down = asked ? undefined : downNow(core);
  if (down) return askLeavingDown(core, 'quit', down);
  quitAnyway(core, asked);
}

/** `q` past the question about the stopped service: leaves it down (a failed deployment's issues are still asked). */
export function quitAnyway(core: TuiCore, asked = false): void {
  const d = core.runner?.deployment;
  if (d?.status === 'failed' && !asked) return askIssues(core, true);
  core.monitor?.stop('the operator quit');
  core.deps.onExit({ ...ending(core, d, false), stepRunning: false });
}

/**
 * Ctrl-C: asks first while work runs, saying what becomes of the step under
 * way, or while the service is down; a second Ctrl-C (`confirmed`) leaves.
 * From a fleet host's screen it is the whole fleet's.
 */
export function interrupt(from: TuiCore, confirmed = false): void {
  const core = fleetRoot(from);
  const down = core.busy || confirmed ? undefined : downNow(core);
  if (down) return askLeavingDown(core, 'interrupt', down);
  if (core.busy && !confirmed)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'interrupt',
        question: interruptQuestion(core, core.busyWith ?? 'working'),
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
