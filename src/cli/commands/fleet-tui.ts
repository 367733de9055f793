import { FleetRunner } from '../../fleet/runner.js';
import { refuseIfUnfinished, startFleet } from '../../fleet/start.js';
import { fleetRunnerControl } from '../../screens/app/fleet-runner-control.js';
import { runFleetTui, tuiDeps } from '../../screens/app/run.js';
import { resolveSecrets } from '../../session/secrets.js';
import { FleetStore, type FleetRecord } from '../../state/fleet-store.js';
import { versionProblem } from '../../steps/version.js';
import { InputError } from '../../util/exit.js';
import { err } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import { fleetChosen, openFleetSession, type FleetSession } from '../fleet-session.js';
import { lockState } from '../locks.js';
import { confirmChecklist } from './deploy.js';

/**
 * `deploy --target GROUP --version TAG` and `resume` of a fleet, in the TUI
 * (main.ts sends a terminal's runs here):
 * every host's connection opened and (deploy) the version checked on every
 * host before the fleet screen shows; the operator starts the rollout there.
 * The checks are headless's: a failed one refuses the fleet, so the
 * checklist the operator confirms on the screen has no red item to explain.
 */
export async function fleetTui(args: ParsedArgs): Promise<number> {
  const choice = await fleetChosen(args);
  if (!choice) throw new InputError('no fleet named: pass --target GROUP');
  if (args.command !== 'deploy' && args.command !== 'resume')
    throw new InputError(
      `${args.command ?? 'cvd-tui'} of a fleet runs with --headless; the fleet screen opens for deploy --version and resume`,
    );
  const { version } = args.options;
  if (args.command === 'deploy') {
    if (!version) throw new InputError('deploy of a fleet needs --version <git tag>');
    const problem = versionProblem(version);
    if (problem) throw new InputError(problem);
  }
  const session = await openFleetSession(args, choice.fleet);
  try {
    lockState(session);
    let hosts = session.hosts;
    let record: FleetRecord;
    if (version && args.command === 'deploy') {
      refuseIfUnfinished(session.store, choice.fleet);
      err.write(`Checking ${version} on ${hosts.map((h) => h.name).join(', ')}…\n`);
      ({ record, hosts } = await startFleet({ ...session, version }));
    } else record = resumable(session, choice.record);
    // One 3.3 password for the fleet: its members share the app and its test user.
    const secrets = await resolveSecrets(choice.fleet.members[0]!.target, { interactive: true });
    let confirmed = false;
    const runner = new FleetRunner({
      store: session.store,
      fleetId: record.id,
      hosts,
      secrets,
      confirmChecklist: (id) => {
        if (confirmed) confirmChecklist(session, id, true, 'confirmed on the fleet screen');
      },
    });
    const control = fleetRunnerControl({
      runner,
      hosts,
      resuming: args.command === 'resume',
      checklist: {
        confirmed: () => confirmed || runner.checklistComplete(),
        confirm: () => void (confirmed = true),
      },
    });
    const deps = tuiDeps(
      { ...hosts[0]!.ctx, targetName: choice.fleet.name },
      secrets,
      args.options,
    );
    return await runFleetTui(deps, control);
  } finally {
    await session.close();
  }
}

/** The fleet `resume` names (or the group's latest), refused when there is nothing to resume. */
function resumable(session: FleetSession, named: FleetRecord | undefined): FleetRecord {
  const record = named ?? new FleetStore(session.store).latest(session.fleet.name, true);
  if (!record) throw new InputError(`no unfinished fleet of ${session.fleet.name} to resume`);
  if (record.status !== 'in_progress' && record.status !== 'failed')
    throw new InputError(
      `fleet ${record.id} is ${record.status.replace('_', ' ')}: nothing to resume`,
    );
  return record;
}
