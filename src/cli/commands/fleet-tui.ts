import { abandonFleet } from '../../fleet/abandon.js';
import type { FleetHostHandle } from '../../fleet/checks.js';
import { fleetView } from '../../fleet/build-view.js';
import { lookAtFleet } from '../../fleet/look.js';
import { FleetRunner } from '../../fleet/runner.js';
import { refuseIfUnfinished, startFleet } from '../../fleet/start.js';
import type { FleetControl, FleetEntry, FleetPurpose } from '../../screens/app/fleet-control.js';
import { fleetRunnerControl } from '../../screens/app/fleet-runner-control.js';
import type { FleetOpening } from '../../screens/app/prepare-fleet.js';
import { runFleetTui, tuiDeps } from '../../screens/app/run.js';
import { resolveSecrets, type Secrets } from '../../session/secrets.js';
import { FleetStore, type FleetRecord } from '../../state/fleet-store.js';
import { versionProblem } from '../../steps/version.js';
import { InputError } from '../../util/exit.js';
import { cli } from '../../util/invocation.js';
import { err } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import {
  fleetChosen,
  openFleetSession,
  pickFleet,
  type FleetChoice,
  type FleetSession,
} from '../fleet-session.js';
import { lockState } from '../locks.js';
import { fleetFlags } from '../resume-hint.js';

/**
 * A fleet in the TUI (main.ts sends a terminal's runs here), every host's
 * connection opened first. No command, or `deploy` without `--version`: the
 * fleet's start screen (the group's unfinished fleet to resume, roll back
 * or abandon; else a version on every host to deploy). `deploy --version`:
 * the version checked on every host before the fleet screen shows; the
 * operator starts the rollout there. `resume`: the fleet screen, `A`
 * resumes. `rollback`: the fleet screen, asking `y` before rolling back
 * every changed host (a host deployment's id: that host alone).
 * Unlike headless, a failed check does not refuse the fleet here: it is a
 * red item on the fleet's checklist, ticked only with the operator's reason.
 */
export async function fleetTui(args: ParsedArgs): Promise<number> {
  const choice = await fleetChosen(args);
  if (!choice) throw new InputError('no fleet named: pass --target GROUP');
  const { version } = args.options;
  if (args.command === 'deploy' && version) {
    const problem = versionProblem(version);
    if (problem) throw new InputError(problem);
  }
  if (choice.hostDeploymentId && args.command === 'resume')
    throw new InputError(
      `${args.id} is one host of fleet ${choice.record!.id}: resume the fleet (${cli(`resume ${choice.record!.id} ${fleetFlags(choice.fleet.name, args.options)}`)})`,
    );
  const session = await openFleetSession(args, choice.fleet, 'tag');
  try {
    lockState(session);
    // One 3.3 password for the fleet: its members share the app and its test user.
    const secrets = await resolveSecrets(choice.fleet.members[0]!.target, { interactive: true });
    const entry = fleetEntry(session, secrets, fleetFlags(choice.fleet.name, args.options));
    const deps = tuiDeps(
      { ...session.hosts[0]!.ctx, targetName: choice.fleet.name },
      secrets,
      args.options,
    );
    return await runFleetTui(deps, entry, await opening(args, choice, session, entry));
  } finally {
    await session.close();
  }
}

/** Which screen the command line opens the fleet's TUI at, and over which rollout. */
async function opening(
  args: ParsedArgs,
  choice: FleetChoice,
  session: FleetSession,
  entry: FleetEntry,
): Promise<FleetOpening> {
  const { version } = args.options;
  if (args.command === 'resume' || args.command === 'rollback') {
    const record = pickFleet(session.store, choice, args.command);
    err.write(`Opening fleet ${record.id} on every host…\n`);
    const control = await entry.open(record.id, args.command);
    if (args.command === 'resume') return { kind: 'rollout', control };
    if (!choice.hostDeploymentId) return { kind: 'rollout', control, rollBack: {} };
    const host = control.view
      .getSnapshot()
      .hosts.find((h) => h.deploymentId === choice.hostDeploymentId);
    if (!host)
      throw new Error(`fleet ${record.id} has no host deployment ${choice.hostDeploymentId}`);
    return { kind: 'rollout', control, rollBack: { host: host.host } };
  }
  // As for one target: `deploy --version` with the group's fleet unfinished offers it first.
  if (!version || entry.unfinished()) return { kind: 'start', fixedVersion: version };
  err.write(`Checking ${version} on ${session.hosts.map((h) => h.name).join(', ')}…\n`);
  return { kind: 'rollout', control: await entry.deploy(version) };
}

/**
 * How the fleet's screens reach the group: the session's hosts, one rollout
 * control per fleet. `flags`: how the command line named the fleet, for hints.
 */
function fleetEntry(session: FleetSession, secrets: Secrets, flags: string): FleetEntry {
  const fleets = new FleetStore(session.store);
  return {
    group: session.fleet.name,
    members: session.hosts.map((h) => h.name),
    unfinished: () => {
      const record = fleets.latest(session.fleet.name, true);
      return record && { record, view: fleetView(session.store, record.id) };
    },
    look: () => lookAtFleet(session.hosts),
    deploy: async (version) => {
      refuseIfUnfinished(session.store, session.fleet, flags);
      const { record, hosts } = await startFleet({ ...session, version });
      return rolloutControl(session, record, hosts, secrets, 'deploy');
    },
    open: (fleetId, purpose) =>
      rolloutControl(session, fleets.fleet(fleetId)!, session.hosts, secrets, purpose),
    abandon: (fleetId, reason) =>
      abandonFleet(
        new FleetRunner({ store: session.store, fleetId, hosts: session.hosts, secrets }),
        session,
        reason,
      ),
  };
}

/**
 * The fleet screen's control of one rollout. A resumed one's first start
 * settles what a killed run left (FleetRunner.resume). Unless it is to be
 * rolled back, every host is begun first while the fleet's checklist is
 * unticked: the checklist shows each host's evidence and ticks each host's
 * record.
 */
async function rolloutControl(
  session: FleetSession,
  record: FleetRecord,
  hosts: readonly FleetHostHandle[],
  secrets: Secrets,
  purpose: 'deploy' | FleetPurpose,
): Promise<FleetControl> {
  const runner = new FleetRunner({ store: session.store, fleetId: record.id, hosts, secrets });
  // No progress line here: from the start screen, Ink owns the terminal.
  if (purpose !== 'rollback' && !runner.checklistComplete()) await runner.begin();
  return fleetRunnerControl({
    runner,
    hosts,
    resuming: purpose === 'resume',
    store: session.store,
  });
}
