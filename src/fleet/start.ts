import { newDeploymentId } from '../engine/deployment.js';
import { cli } from '../util/invocation.js';
import { FleetStore, type FleetRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import { InputError } from '../util/exit.js';
import { checkEveryHost, withChecks, type FleetHostHandle } from './checks.js';
import type { ResolvedFleet } from './group.js';
import { holdFleet } from './in-hand.js';
import { batchesOf } from './plan.js';

export interface FleetStart {
  store: StateStore;
  fleet: ResolvedFleet;
  version: string;
  operator: string;
  jumpHost: string;
  hosts: readonly FleetHostHandle[];
}

/**
 * Refuses (exit 2) a second rollout of the group while one is unfinished,
 * and a rollout over a member that has an unfinished deployment of its own.
 * `flags` name the fleet as the command line did (`--target web`, or an
 * inventory's `--inventory F --group G`: its name is no target), so the
 * hints work as printed.
 */
export function refuseIfUnfinished(store: StateStore, fleet: ResolvedFleet, flags: string): void {
  const open = new FleetStore(store).latest(fleet.name, true);
  if (open)
    throw new InputError(
      `fleet ${open.id} of ${open.versionTo} on ${fleet.name} is unfinished (${open.status}).\n` +
        `  Resume it:    ${cli(`resume ${open.id} ${flags}`)}\n` +
        `  Roll it back: ${cli(`rollback ${open.id} ${flags}`)}`,
    );
  for (const m of fleet.members) {
    const d = store.latestUnfinished(m.name);
    if (d)
      throw new InputError(
        `${m.name} has an unfinished deployment ${d.id} (${d.status}): resume or roll it back first (${cli(`resume ${d.id} --target ${m.name}`)})`,
      );
  }
}

/**
 * Starts a fleet rollout: checks the version on every host first (read-only;
 * any host refusing it refuses the fleet before anything runs), then records
 * the fleet and its plan. Returns the hosts with those checks kept, so each
 * host's deployment begins with the evidence the operator was shown.
 */
export async function startFleet(
  s: FleetStart,
): Promise<{ record: FleetRecord; hosts: FleetHostHandle[] }> {
  const checks = await checkEveryHost(s.hosts, s.version);
  const batches = batchesOf(s.fleet);
  const record = new FleetStore(s.store).create({
    id: newDeploymentId(),
    name: s.fleet.name,
    operator: s.operator,
    jumpHost: s.jumpHost,
    versionTo: s.version,
    canary: s.fleet.canary,
    batchSize: s.fleet.batchSize,
    maxFailures: s.fleet.maxFailures,
    startedAt: Date.now(),
    hosts: s.fleet.members.map((m, i) => ({ host: m.name, position: i, batch: batches[i]! })),
  });
  holdFleet(record.id, record.name);
  return { record, hosts: withChecks(s.hosts, checks) };
}
