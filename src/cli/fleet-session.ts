import type { FleetHostHandle } from '../fleet/checks.js';
import type { FleetMember, ResolvedFleet } from '../fleet/group.js';
import { FleetStore, type FleetRecord } from '../state/fleet-store.js';
import { openState, type StateSession } from '../session/open.js';
import { fleetOf } from '../session/fleet.js';
import { defaultStatePath } from '../state/open.js';
import { StateStore } from '../state/store.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import { InputError } from '../util/exit.js';
import type { ParsedArgs } from './args.js';
import { headlessContext, type Refusal } from './headless-context.js';

/** A command meant for a fleet: the group, and the fleet record or host deployment its id names. */
export interface FleetChoice {
  fleet: ResolvedFleet;
  /** The fleet the id names (itself, or the fleet of the host deployment it names). */
  record: FleetRecord | undefined;
  /** The id named one host's deployment of the fleet. */
  hostDeploymentId: string | undefined;
}

/** `read` over the fleets on record, without taking the state database; undefined when it cannot be opened. */
function readFleets<T>(
  options: ParsedArgs['options'],
  read: (fleets: FleetStore) => T,
): T | undefined {
  let store: StateStore;
  try {
    store = StateStore.open(options.state ?? defaultStatePath(), { readOnlyOk: true });
  } catch {
    return undefined; // the single-target path says what is wrong with it
  }
  try {
    return read(new FleetStore(store));
  } finally {
    store.close();
  }
}

/** The fleet record an id names, read without taking the state database. */
function recordOf(
  args: ParsedArgs,
): { record: FleetRecord; hostDeploymentId?: string } | undefined {
  const id = args.id;
  if (!id) return undefined;
  return readFleets(args.options, (fleets) => {
    const record = fleets.fleet(id);
    if (record) return { record };
    const ofHost = fleets.fleetOfDeployment(id);
    return ofHost && { record: ofHost, hostDeploymentId: id };
  });
}

/** The fleet whose host deployment `id` is, read without taking the state database. */
export const fleetOfHostDeployment = (
  options: ParsedArgs['options'],
  id: string,
): FleetRecord | undefined => readFleets(options, (fleets) => fleets.fleetOfDeployment(id));

/**
 * Whether the command line means a fleet: `--target` names a group, or the
 * id is a fleet's (then `--target` may be left out). A host deployment's id
 * means its fleet only with `--target GROUP`; alone it is that one target's.
 */
export async function fleetChosen(args: ParsedArgs): Promise<FleetChoice | undefined> {
  const byId = recordOf(args);
  const byTarget = await fleetOf(args.options);
  if (byId && !byId.hostDeploymentId && !byTarget) {
    const fleet = await fleetOf({ ...args.options, target: byId.record.name });
    if (!fleet)
      throw new InputError(
        `fleet ${byId.record.id} deployed the group ${byId.record.name}, which the config no longer holds: restore the group`,
      );
    return { fleet, record: byId.record, hostDeploymentId: undefined };
  }
  if (!byTarget) return undefined;
  if (byId && byId.record.name !== byTarget.name)
    throw new InputError(
      `${args.id} belongs to fleet ${byId.record.id} of ${byId.record.name}: pass --target ${byId.record.name}`,
    );
  if (args.id && !byId)
    throw new InputError(`no fleet or fleet host deployment ${args.id}: see cvd-tui history`);
  return { fleet: byTarget, record: byId?.record, hostDeploymentId: byId?.hostDeploymentId };
}

/**
 * The fleet `resume` or `rollback` acts on: the one its id names, else the
 * group's latest; refused (exit 2) when there is nothing to resume or to
 * roll back.
 */
export function pickFleet(
  store: StateStore,
  choice: FleetChoice,
  command: 'resume' | 'rollback',
): FleetRecord {
  const record = choice.record ?? new FleetStore(store).latest(choice.fleet.name);
  if (!record) throw new InputError(`no recorded fleet of ${choice.fleet.name}`);
  if (command === 'resume' && record.status !== 'in_progress' && record.status !== 'failed')
    throw new InputError(
      `fleet ${record.id} is ${record.status.replace('_', ' ')}: nothing to resume`,
    );
  if (command === 'rollback' && record.status === 'rolled_back' && !choice.hostDeploymentId)
    throw new InputError(`fleet ${record.id} is rolled back: nothing to roll back`);
  return record;
}

/** Every host's connection (one each) and workflow context, over one state database. */
export interface FleetSession extends StateSession {
  fleet: ResolvedFleet;
  hosts: FleetHostHandle[];
  close(): Promise<void>;
}

/**
 * One connection per member, side by side, in the members' order; one that
 * fails closes those that opened and is thrown with its member named.
 */
export async function openTransports(
  members: readonly { name: string; target: FleetMember['target'] }[],
): Promise<Transport[]> {
  const opened = await Promise.allSettled(members.map((m) => openTransport(m.target)));
  const transports = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.findIndex((o) => o.status === 'rejected');
  if (failed < 0) return transports;
  await Promise.all(transports.map((t) => t.close()));
  const reason = (opened[failed] as PromiseRejectedResult).reason as unknown;
  if (reason instanceof Error) reason.message = `${members[failed]!.name}: ${reason.message}`;
  throw reason;
}

/**
 * Opens the state database and one connection per host. `refuse`: which
 * failed checks refuse the version on a host.
 */
export async function openFleetSession(
  args: ParsedArgs,
  fleet: ResolvedFleet,
  refuse: Refusal = 'any',
): Promise<FleetSession> {
  const state = openState(args.options);
  let transports: Transport[];
  try {
    transports = await openTransports(fleet.members);
  } catch (error) {
    state.store.close();
    throw error;
  }
  const close = async () => {
    await Promise.all(transports.map((t) => t.close()));
    state.store.close();
  };
  const hosts = fleet.members.map((m, i) => ({
    name: m.name,
    ctx: headlessContext(
      { ...state, file: args.options.config ?? '', name: m.name, target: m.target },
      transports[i]!,
      args.options.takeOverLock,
      refuse,
    ),
  }));
  return { ...state, fleet, hosts, close };
}
