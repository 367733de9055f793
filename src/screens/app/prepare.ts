import { InputError } from '../../util/exit.js';
import { preflight } from '../../engine/preflight.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { versionProblem } from '../../steps/version.js';
import { TuiCore } from './core.js';
import type { TuiDeps, TuiRequest } from './deps.js';
import { requestRollback } from '../intents/phase.js';
import { chooseVersion, resume, settle } from '../intents/start.js';
import { initialState, type UiState } from './state.js';

/** A TUI ready to render: its core, first state, and the work the command line asked to start with. */
export interface PreparedTui {
  core: TuiCore;
  initial: UiState;
  begin?: (core: TuiCore) => void | Promise<void>;
}

/**
 * Everything before the first frame: a version given on the command line is
 * validated (exit 2 before any command runs), the target is looked at
 * (running version, tags, checklist evidence), and the deployment a command
 * names is found. Errors here end cvd-tui before Ink takes the terminal.
 */
export async function prepareTui(deps: TuiDeps, request: TuiRequest): Promise<PreparedTui> {
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
  const version = request.version ?? request.suggestedVersion ?? '';
  const checks = await preflight(deps.transport, deps.target, version);
  core.preflight = { version, result: checks };
  if (request.version && !checks.evidence.get('tech.3')?.ok)
    throw new InputError(
      `version ${request.version} is not a tag of the app repository on ${deps.targetName} or its origin`,
    );
  const unfinished = deps.store.latestUnfinished(deps.targetName);
  const initial = initialState({
    runningVersion: checks.runningVersion,
    runningCommit: checks.runningCommit,
    tags: checks.tags,
    fixedVersion: request.version,
    suggestedVersion: request.suggestedVersion,
    unfinished,
  });
  // DESIGN: `deploy --version X` with no unfinished deployment opens the checklist directly.
  const direct = request.command === 'deploy' && request.version && !unfinished;
  return { core, initial, begin: direct ? (c) => chooseVersion(c, request.version!) : undefined };
}
