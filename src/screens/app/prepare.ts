import { InputError } from '../../util/exit.js';
import { preflight } from '../../engine/preflight.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { versionProblem } from '../../steps/version.js';
import { TuiCore } from './core.js';
import type { TuiDeps, TuiRequest } from './deps.js';
import { requestRollback } from '../intents/phase.js';
import { chooseVersion, resume, settle } from '../intents/start.js';
import { initialState, type StartInfo, type UiState } from './state.js';
import type { DeploymentRecord } from '../../state/types.js';

/** A TUI ready to render: its core, first state, and the work the command line asked to start with. */
export interface PreparedTui {
  core: TuiCore;
  initial: UiState;
  begin?: (core: TuiCore) => void | Promise<void>;
  /**
   * The look at the target, still under way when the start screen first
   * draws (it shows "checking" and fills in); a failure ends the TUI as it
   * would have before the first frame.
   */
  looking?: Promise<void>;
}

/**
 * Everything before the first frame: a version given on the command line is
 * validated (exit 2 before any command runs) and looked for on the target,
 * and the deployment a command names is found. Errors here end cvd-tui
 * before Ink takes the terminal. Without a version the target is looked at
 * (running version, tags, checklist evidence) while the start screen shows:
 * a remote target at once, a local one once `drawn` (the first frame is on
 * screen), when given.
 */
export async function prepareTui(
  deps: TuiDeps,
  request: TuiRequest,
  drawn?: Promise<void>,
): Promise<PreparedTui> {
  const core = new TuiCore(deps);
  if (request.version) {
    const problem = versionProblem(request.version);
    if (problem) throw new InputError(problem);
  }
  if (request.command === 'resume' || request.command === 'rollback') {
    const d = pickDeployment(deps.store, deps.targetName, request.id, request.command);
    core.attach(d.id);
    const initial = initialState(
      { runningVersion: d.versionFrom ?? 'unknown', runningCommit: '', tags: [] },
      'phase',
    );
    if (request.command === 'resume') return { core, initial, begin: (c) => resume(c, d) };
    return { core, initial, begin: async (c) => (await settle(c, d, false), requestRollback(c)) };
  }
  const unfinished = deps.store.latestUnfinished(deps.targetName);
  if (request.version) {
    const start = await lookAtTarget(core, request, unfinished);
    // DESIGN: `deploy --version X` with no unfinished deployment opens the checklist directly.
    const direct = request.command === 'deploy' && !unfinished;
    return {
      core,
      initial: initialState(start),
      begin: direct ? (c) => chooseVersion(c, request.version!) : undefined,
    };
  }
  // No version to validate first: the start screen draws at once and fills in when the target answers.
  // A local target's checks (~25 processes: git, openssl, the backups' check) run on the CPUs the
  // first frame needs: started before it, they delayed it by ~80 ms (~435 → ~355 ms from launch on 2
  // cores) and took ~60 ms longer themselves, so started once it is drawn the screen fills in ~70 ms
  // later (~495 → ~570 ms). A remote target's checks run there: its look starts at once.
  const look = () => lookAtTarget(core, request, unfinished);
  const afterDrawing = deps.target.transport === 'local' ? drawn : undefined;
  const looking = (afterDrawing ? afterDrawing.then(look) : look()).then((start) => {
    core.dispatch({ type: 'start-info', start });
    core.dispatch({ type: 'idle' });
  });
  const checking: StartInfo = {
    runningVersion: '',
    runningCommit: '',
    tags: [],
    suggestedVersion: request.suggestedVersion,
    unfinished,
    checking: true,
  };
  return {
    core,
    initial: { ...initialState(checking), busy: `checking ${deps.targetName}` },
    looking,
  };
}

/**
 * The preflight on the target: its running version, its tags, and the
 * checklist's evidence for the version given (kept for when it is chosen).
 */
async function lookAtTarget(
  core: TuiCore,
  request: TuiRequest,
  unfinished: DeploymentRecord | undefined,
): Promise<StartInfo> {
  const { deps } = core;
  const version = request.version ?? request.suggestedVersion ?? '';
  const checks = await preflight(deps.transport, deps.target, version);
  core.preflight = { version, result: checks };
  if (request.version && !checks.evidence.get('tech.3')?.ok)
    throw new InputError(
      `version ${request.version} is not a tag of the app repository on ${deps.targetName} or its origin`,
    );
  return {
    runningVersion: checks.runningVersion,
    runningCommit: checks.runningCommit,
    tags: checks.tags,
    fixedVersion: request.version,
    suggestedVersion: request.suggestedVersion,
    unfinished,
  };
}
