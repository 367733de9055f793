/**
 * `recover --target GROUP` (or `--inventory F --group G`): every member's
 * unfinished deployment rebuilt from its own journal, a few hosts at a time.
 * The fleet's own record cannot be rebuilt: a host's journal and metadata
 * (engine/deployment-meta.ts) name its deployment, versions, operator and
 * jump host, but not the fleet it belonged to, nor the fleet's plan or halt.
 * So each host is recovered as a deployment of its own, and the output says
 * so and how to go on with each.
 */
import { NothingToRecover, type Recovered } from '../engine/recover.js';
import type { FleetMember, ResolvedFleet } from '../fleet/group.js';
import { FLEET_PARALLELISM } from '../fleet/parallelism.js';
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
import { fleetFlags } from './fleet-flags.js';
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
): string {
  const width = Math.max(...hosts.map((h) => h.host.length));
  const section = (h: HostRecovery): string => {
    const pad = `${h.host.padEnd(width)}  `;
    if ('nothing' in h) return `${pad}nothing to recover: ${h.nothing}\n`;
    if ('failed' in h) return `${pad}not recovered: ${h.failed}\n`;
    const flags = alone(h.host);
    const next =
      flags === undefined
        ? `  (${h.host} is an inventory host, no target of the config: add it as a target named ${h.host} to resume or roll it back alone)\n`
        : nextText(h.recovered.deployment.id, flags);
    return prefixLines(recoveredText(h.host, h.recovered) + next, pad);
  };
  const recovered = hosts.filter((h) => 'recovered' in h).length;
  return (
    hosts.map(section).join('') +
    `Fleet ${group}: ${recovered} of ${hosts.length} host deployments recovered.\n` +
    (recovered
      ? "  The hosts' journals do not record which fleet they belonged to, nor its plan or halt: " +
        'the fleet record is not rebuilt, and each recovered host is resumed or rolled back on its own (above). ' +
        `Where a state database still holds the fleet, \`${cli(`resume <fleet-id> ${flags}`)}\` continues it as one.\n` +
        READ_ONLY_NOTE
      : `  Nothing was recovered (each host's line says why): ${cli(`history ${flags}`)} lists what this state database holds.\n`)
  );
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
      recoveryReport(fleet.name, fleetFlags(args, fleet.name), hosts, (h) =>
        inventory ? undefined : ` --target ${h}`,
      ),
    );
    return recoveryExit(hosts);
  } finally {
    state.store.close();
  }
}
