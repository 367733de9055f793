import type { FleetLook } from '../../fleet/look.js';
import { fleetOpening } from '../intents/fleet.js';
import { requestRollbackOnOpen } from '../intents/fleet-start.js';
import { TuiCore } from './core.js';
import type { TuiDeps } from './deps.js';
import type { FleetControl, FleetEntry } from './fleet-control.js';
import type { PreparedTui } from './prepare.js';
import { initialState, type StartInfo } from './state.js';

/**
 * What the command line opens a fleet's TUI at: its start screen (no
 * command, or `deploy` without `--version`, or with one while the group
 * has an unfinished fleet), or the fleet screen over a rollout (`deploy
 * --version`, `resume`, `rollback`: `rollBack` asks `y` there first, for
 * every changed host or for `host` alone).
 */
export type FleetOpening =
  | { kind: 'start'; fixedVersion?: string }
  | { kind: 'rollout'; control: FleetControl; rollBack?: { host?: string } };

/** The version every host runs, or `mixed`: the header's one word for it. */
const commonVersion = (look: FleetLook): string =>
  new Set(look.hosts.map((h) => h.runningVersion)).size === 1
    ? look.hosts[0]!.runningVersion
    : 'mixed';

/**
 * A fleet's TUI ready to render. Its start screen draws at once and fills in
 * when every host has answered (what each runs, the tags on all of them);
 * a host that does not answer ends the TUI as a lone target's would.
 */
export function prepareFleetTui(
  deps: TuiDeps,
  entry: FleetEntry,
  opening: FleetOpening,
): PreparedTui {
  const core = new TuiCore(deps);
  core.fleetEntry = entry;
  if (opening.kind === 'rollout') {
    core.followFleet(opening.control);
    const { rollBack } = opening;
    return {
      core,
      initial: initialState(
        { runningVersion: '', runningCommit: '', tags: [] },
        rollBack ? 'fleet' : fleetOpening(opening.control),
      ),
      begin: rollBack && ((c) => requestRollbackOnOpen(c, rollBack.host)),
    };
  }
  const start = (look?: FleetLook): StartInfo => ({
    runningVersion: look ? commonVersion(look) : '',
    runningCommit: '',
    tags: look?.tags ?? [],
    fixedVersion: opening.fixedVersion,
    checking: !look,
    // Read again when the look ends: the operator may have abandoned it meanwhile.
    fleet: { group: entry.group, members: entry.members, look, unfinished: entry.unfinished() },
  });
  const looking = entry.look().then((look) => {
    core.dispatch({ type: 'start-info', start: start(look) });
    core.dispatch({ type: 'idle' });
  });
  return {
    core,
    initial: { ...initialState(start()), busy: `checking ${entry.members.join(', ')}` },
    looking,
  };
}
