/**
 * `recover --target GROUP` (or `--inventory F --group G`): every member's
 * unfinished deployment rebuilt from its own journal, a few hosts at a time.
 * A host's metadata (engine/deployment-meta.ts) names its fleet and group;
 * when every member was recovered and all name the same fleet of this
 * group, the fleet's record is rebuilt too (its plan from the group's
 * config; its halt is not on any target, and resume finds each host where
 * it stopped), so `resume <fleet-id>` goes on with it as one. Otherwise
 * (a member had nothing to recover: it may have finished, and a rebuilt
 * fleet would deploy it again; or older metadata names no fleet) each host
 * is recovered as a deployment of its own, and the output says so and how
 * to go on with each.
 */
import { NothingToRecover, type Recovered } from '../engine/recover.js';
import type { FleetMember, ResolvedFleet } from '../fleet/group.js';
import { FLEET_PARALLELISM } from '../fleet/parallelism.js';
import { batchesOf } from '../fleet/plan.js';
import { FleetStore, type FleetRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import { openState } from '../session/open.js';
import { resolveSecrets } from '../session/secrets.js';
import { TransportRefused } from '../transport/types.js';
import { errorMessage } from '../util/error.js';
import { EXIT, InputError, worstExit } from '../util/exit.js';
import { cli } from '../util/invocation.js';
import { out as stdout } from '../util/out.js';
import { startAtMost } from '../util/pool.js';
import type { TextOut } from '../util/text.js';
import type { ParsedArgs } from './args.js';
import { nextText, READ_ONLY_NOTE, recoveredText, recoverTarget } from './recover-target.js';
import { fleetFlags } from './resume-hint.js';
import { prefixLines } from './headless.js';
import { lockState } from './locks.js';

/** How recovering one host ended. */
export type HostRecovery =
  | { host: string; recovered: Recovered }
  | { host: string; nothing: string }
  | { host: string; failed: string; code: number };

/** The fleet's exit: the worst host's failure; 2 when no host had anything to recover. */
export function recoveryExit(hosts: readonly HostRecovery[]): number {
  if (hosts.every((h) => 'nothing' in h)) return EXIT.badInput;
  return worstExit(hosts.map((h) => ('code' in h ? h.code : EXIT.ok)));
}

/**
 * Each host's outcome in group order, then what the journals could not say.
 * `alone(host)`: the options that resume that host's deployment on its own,
 * or undefined when no config target is that host (an inventory host).
 */
export function recoveryReport(
  group: string,
  /** The options that name the fleet again (fleetFlags). */
  flags: string,
  hosts: readonly HostRecovery[],
  alone: (host: string) => string | undefined,
  /** The fleet record rebuilt from the hosts' metadata: its hosts go on only with it. */
  rebuilt?: FleetRecord,
): string {
  const width = Math.max(...hosts.map((h) => h.host.length));
  const section = (h: HostRecovery): string => {
    const pad = `${h.host.padEnd(width)}  `;
    if ('nothing' in h) return `${pad}nothing to recover: ${h.nothing}\n`;
    if ('failed' in h) return `${pad}not recovered: ${h.failed}\n`;
    const flags = alone(h.host);
    const next = rebuilt
      ? ''
      : flags === undefined
        ? `  (${h.host} is an inventory host, no target of the config: add it as a target named ${h.host} to resume or roll it back alone)\n`
        : nextText(h.recovered.deployment.id, flags);
    return prefixLines(recoveredText(h.host, h.recovered) + next, pad);
  };
  const recovered = hosts.filter((h) => 'recovered' in h).length;
  const summary =
    hosts.map(section).join('') +
    `Fleet ${group}: ${recovered} of ${hosts.length} host deployments recovered.\n`;
  if (rebuilt)
    return (
      summary +
      `  Fleet ${rebuilt.id} (${rebuilt.versionTo}) rebuilt from the hosts' metadata, its plan from the config; each host goes on where it stopped.\n` +
      `  Resume it:`.padEnd(18) +
      `${cli(`resume ${rebuilt.id} ${flags}`)}\n` +
      `  Roll it back:`.padEnd(18) +
      `${cli(`rollback ${rebuilt.id} ${flags}`)}\n` +
      READ_ONLY_NOTE
    );
  return (
    summary +
    (recovered
      ? '  Not every member was recovered naming the same fleet (a host that finished would be deployed again; ' +
        "an older cvd-tui's metadata names no fleet): the fleet record is not rebuilt, " +
        'and each recovered host is resumed or rolled back on its own (above). ' +
        `Where a state database still holds the fleet, \`${cli(`resume <fleet-id> ${flags}`)}\` continues it as one.\n` +
        READ_ONLY_NOTE
      : `  Nothing was recovered (each host's line says why): ${cli(`history ${flags}`)} lists what this state database holds.\n`)
  );
}

/**
 * The fleet's record rebuilt in `store` when every member was recovered and
 * each host's metadata names the same fleet of this group (and the store
 * does not hold it): its plan from the group's config, each host linked to
 * its recovered deployment. Else undefined.
 */
export function rebuildFleet(
  store: StateStore,
  fleet: ResolvedFleet,
  hosts: readonly HostRecovery[],
): FleetRecord | undefined {
  const recovered = hosts.flatMap((h) =>
    'recovered' in h ? [{ ...h.recovered, host: h.host }] : [],
  );
  const named = new Set(recovered.map((r) => r.fleet?.id));
  const [id] = named;
  const fleets = new FleetStore(store);
  if (
    recovered.length !== fleet.members.length ||
    named.size !== 1 ||
    id === undefined ||
    recovered.some((r) => r.fleet!.group !== fleet.name) ||
    fleets.fleet(id)
  )
    return undefined;
  const first = recovered[0]!.deployment;
  const batches = batchesOf(fleet);
  return store.atomically(() => {
    fleets.create({
      id,
      name: fleet.name,
      operator: first.operator,
      jumpHost: first.jumpHost,
      versionTo: first.versionTo,
      canary: fleet.canary,
      batchSize: fleet.batchSize,
      maxFailures: fleet.maxFailures,
      startedAt: Math.min(...recovered.map((r) => r.deployment.startedAt)),
      hosts: fleet.members.map((m, i) => ({ host: m.name, position: i, batch: batches[i]! })),
    });
    for (const r of recovered) fleets.linkHost(id, r.host, r.deployment.id);
    return fleets.fleet(id)!;
  });
}

export async function recoverFleet(
  args: ParsedArgs,
  fleet: ResolvedFleet,
  out: TextOut = stdout,
): Promise<number> {
  const state = openState(args.options);
  try {
    lockState(state);
    // The members share the app and its test user (as a rollout takes it): the first's password source.
    const secrets = await resolveSecrets(fleet.members[0]!.target, { interactive: false });
    const width = Math.max(...fleet.members.map((m) => m.name.length));
    out.write(
      `Reading the journals on ${fleet.members.map((m) => m.name).join(', ')} (${FLEET_PARALLELISM} hosts at a time)…\n`,
    );
    const recover = (m: FleetMember): Promise<HostRecovery> =>
      recoverTarget(
        { ...state, file: args.options.config ?? '', name: m.name, target: m.target },
        secrets,
        `${m.name.padEnd(width)}  `,
      ).then(
        (recovered) => ({ host: m.name, recovered }),
        (error: unknown) =>
          error instanceof NothingToRecover
            ? { host: m.name, nothing: error.message }
            : {
                host: m.name,
                failed: errorMessage(error),
                code:
                  error instanceof TransportRefused || error instanceof InputError
                    ? EXIT.badInput
                    : EXIT.stepFailed,
              },
      );
    const hosts = await Promise.all(startAtMost(fleet.members, FLEET_PARALLELISM, recover));
    const inventory = args.options.inventory !== undefined;
    out.write(
      recoveryReport(
        fleet.name,
        fleetFlags(fleet.name, args.options),
        hosts,
        (h) => (inventory ? undefined : ` --target ${h}`),
        rebuildFleet(state.store, fleet, hosts),
      ),
    );
    return recoveryExit(hosts);
  } finally {
    state.store.close();
  }
}
