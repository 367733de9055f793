import { versionProblem } from '../../steps/version.js';
import { errorMessage } from '../../util/error.js';
import type { TuiCore } from '../app/core.js';
import type { FleetControl } from '../app/fleet-control.js';
import { keyLabel } from '../app/keys.js';
import type { StartInfo, UnfinishedFleet } from '../app/state.js';
import {
  changedHosts,
  fleetOpening,
  openHost,
  requestFleetRollback,
  rollBackFleet,
} from './fleet.js';
import { askFirst } from './start.js';

/** The fleet screen over `control`, from the fleet's start screen. */
function enterFleet(core: TuiCore, control: FleetControl, stage = fleetOpening(control)): void {
  core.followFleet(control);
  core.dispatch({ type: 'navigate', stage });
}

/**
 * The version chosen on the fleet's start screen: checked on every host
 * (any host refusing it refuses the fleet, nothing run), the fleet recorded,
 * then its screen, where `A` starts the rollout.
 */
export async function chooseFleetVersion(core: TuiCore, version: string): Promise<void> {
  const entry = core.fleetEntry;
  if (!entry) return;
  const problem = versionProblem(version);
  if (problem) return core.notify(problem, 'error');
  const control = await core.work(`checking ${version} on ${entry.members.join(', ')}`, () =>
    // The refusal names each host on its own line; a notice is one line.
    entry.deploy(version).catch((error: unknown) => {
      throw new Error(errorMessage(error).replace(/\n\s*/g, '; '), { cause: error });
    }),
  );
  if (control) enterFleet(core, control);
}

/**
 * Enter on the unfinished fleet's choice, as on a lone target's: resume at
 * once, or ask first (y to roll back every changed host, a reason to abandon).
 */
export function chooseForFleet(
  core: TuiCore,
  unfinished: UnfinishedFleet,
  choice: 'Resume' | 'Roll back' | 'Abandon',
): void {
  if (choice === 'Resume') return void resumeFleet(core, unfinished);
  const { id } = unfinished.record;
  const changed = changedHosts(unfinished.view).map((h) => h.host);
  askFirst(core, choice, {
    rollBack: `Roll back fleet ${id}: every changed host, in reverse order (${changed.reverse().join(', ')})?`,
    abandon: `Abandon fleet ${id} (every host's deployment; nothing runs) — reason:`,
  });
}

/** Resume: the unfinished fleet's screen; `A` resumes it there (each host re-checked and settled first). */
async function resumeFleet(core: TuiCore, unfinished: UnfinishedFleet): Promise<void> {
  const { id } = unfinished.record;
  const control = await core.work(`opening fleet ${id}`, () => core.fleetEntry!.open(id, 'resume'));
  if (!control) return;
  enterFleet(core, control);
  core.notify(
    `Fleet ${id} reopened: ${keyLabel('runPhase')} resumes it, re-checking and settling each host first`,
    'info',
  );
}

/** Roll back (after `y`): the unfinished fleet's screen, rolling back every changed host. */
export async function rollBackUnfinishedFleet(
  core: TuiCore,
  unfinished: UnfinishedFleet,
): Promise<void> {
  const control = await core.work(`opening fleet ${unfinished.record.id}`, () =>
    core.fleetEntry!.open(unfinished.record.id, 'rollback'),
  );
  if (!control) return;
  enterFleet(core, control, 'fleet');
  return rollBackFleet(core, undefined);
}

/** Abandon, with a reason: every host's deployment ends (locks released); the start screen then offers a new rollout. */
export async function abandonFleet(
  core: TuiCore,
  unfinished: UnfinishedFleet,
  reason: string,
  start: StartInfo,
): Promise<void> {
  const { id } = unfinished.record;
  const done = await core.work(`abandoning fleet ${id}`, async () => {
    await core.fleetEntry!.abandon(id, reason);
    return true;
  });
  if (!done || !start.fleet) return;
  core.dispatch({
    type: 'start-info',
    start: { ...start, fleet: { ...start.fleet, unfinished: undefined } },
  });
  core.notify(`Fleet ${id} abandoned: ${reason}; every host's lock released`, 'ok');
}

/**
 * `rollback` of a fleet on the command line: asks `y` on the fleet screen
 * before rolling back every changed host; of one host (`host`), on that
 * host's screen before rolling it back alone.
 */
export function requestRollbackOnOpen(core: TuiCore, host: string | undefined): void {
  const view = core.fleet!.control.view.getSnapshot();
  if (!host) return requestFleetRollback(core, view);
  openHost(core, host);
  requestFleetRollback(core.hostCore(host), view, host);
}
