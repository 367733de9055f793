/**
 * `monitor [fleet-id] --target GROUP`: the post-deployment watch on every
 * host of a fleet at once, each sample's line prefixed by its host. All
 * hosts are watched together rather than a few at a time: the window is a
 * span of time after the rollout, and a host watched later would be watched
 * over another one. Each watch is recorded on that host's deployment, as a
 * lone target's is; the exit is the worst host's.
 */
import { FleetStore, type FleetHostRecord } from '../state/fleet-store.js';
import { SAMPLE_HEADER } from '../monitor/format.js';
import type { WatchResult } from '../monitor/watch.js';
import { openState } from '../session/open.js';
import { UNFINISHED, type DeploymentRecord } from '../state/types.js';
import type { Transport } from '../transport/types.js';
import { EXIT, InputError, worstExit } from '../util/exit.js';
import { cli } from '../util/invocation.js';
import type { TextOut } from '../util/text.js';
import type { ParsedArgs } from './args.js';
import {
  limitsOf,
  notWatched,
  resultLine,
  watchDeployment,
  type MonitorWindow,
} from './monitor-watch.js';
import { fleetFlags } from './resume-hint.js';
import { openTransports, type FleetChoice } from './fleet-session.js';
import { prefixed } from './headless.js';
import { allSettledOrThrow } from '../util/pool.js';

/** A host of the fleet and what monitor makes of it: its deployment to watch, or why it is not watched. */
export type MonitoredHost =
  | { host: string; deployment: DeploymentRecord; skipped?: undefined }
  | { host: string; deployment?: undefined; skipped: string };

/** Each host the command names (all, or the one whose deployment id was given) with its deployment or why it is left out. */
export function monitoredHosts(
  hosts: readonly FleetHostRecord[],
  deployment: (id: string) => DeploymentRecord | undefined,
  only?: string,
): MonitoredHost[] {
  return hosts
    .filter((h) => only === undefined || h.deploymentId === only)
    .map((h): MonitoredHost => {
      if (h.skipReason !== null) return { host: h.host, skipped: `skipped (${h.skipReason})` };
      const d = h.deploymentId ? deployment(h.deploymentId) : undefined;
      if (!d) return { host: h.host, skipped: 'never deployed' };
      const why = notWatched(d);
      return why ? { host: h.host, skipped: why } : { host: h.host, deployment: d };
    });
}

export async function monitorFleet(
  args: ParsedArgs,
  choice: FleetChoice,
  window: MonitorWindow,
  out: TextOut,
): Promise<number> {
  const state = openState(args.options);
  const transports: Transport[] = [];
  try {
    const fleets = new FleetStore(state.store);
    const record = choice.record ?? fleets.latest(choice.fleet.name);
    if (!record)
      throw new InputError(
        `no recorded fleet of ${choice.fleet.name}: deploy it first (${cli(`deploy ${fleetFlags(choice.fleet.name, args.options)} --version <tag>`)})`,
      );
    const hosts = monitoredHosts(
      fleets.hosts(record.id),
      (id) => state.store.deployment(id),
      choice.hostDeploymentId,
    );
    const watched = hosts.filter((h) => h.deployment);
    if (!watched.length) {
      const flags = fleetFlags(record.name, args.options);
      // A rolled-back or abandoned fleet has nothing to resume: only a new rollout gives monitor a host.
      const next = UNFINISHED.includes(record.status)
        ? `finish the rollout first (${cli(`resume ${record.id} ${flags} --headless`)})`
        : `deploy again first (${cli(`deploy ${flags} --version <tag>`)})`;
      throw new InputError(
        `fleet ${record.id} has no succeeded host (${hosts.map((h) => `${h.host}: ${h.skipped}`).join('; ')}): monitor watches succeeded deployments; ${next}`,
      );
    }
    const members = new Map(choice.fleet.members.map((m) => [m.name, m.target]));
    const targetOf = (host: string) => {
      const target = members.get(host);
      if (!target)
        throw new InputError(
          `${host} of fleet ${record.id} is no longer a member of ${choice.fleet.name}: restore it in the config`,
        );
      return target;
    };
    const width = Math.max(...hosts.map((h) => h.host.length), 'HOST'.length);
    const pad = (host: string) => `${host.padEnd(width)}  `;
    const limits = [...new Set(watched.map((h) => limitsOf(targetOf(h.host))))];
    out.write(
      `Monitoring fleet ${record.id} (${record.versionTo} on ${record.name}) for ${window.minutes} min, a sample every ${window.interval} s, on ${watched.map((h) => h.host).join(', ')}\n` +
        hosts
          .flatMap((h) => (h.skipped ? [`  not watched: ${h.host}: ${h.skipped}\n`] : []))
          .join('') +
        (limits.length === 1
          ? `  ${limits[0]}\n`
          : watched.map((h) => `  ${h.host}: ${limitsOf(targetOf(h.host))}\n`).join('')) +
        `${pad('HOST')}${SAMPLE_HEADER}\n`,
    );
    transports.push(
      ...(await openTransports(watched.map((h) => ({ name: h.host, target: targetOf(h.host) })))),
    );
    // Every connection is open before any watch starts: a host that cannot be reached stops them all, unrecorded.
    const watches = watched.map((h, i) =>
      watchDeployment({
        ...window,
        store: state.store,
        operator: state.operator,
        deployment: h.deployment!,
        target: targetOf(h.host),
        transport: transports[i]!,
        out: prefixed(out, pad(h.host)),
      }),
    );
    // Every watch ends before the store and connections close under them, even when one fails.
    await allSettledOrThrow(watches);
    const results = await Promise.all(watches);
    out.write(
      fleetMonitorSummary(record.id, fleetFlags(record.name, args.options), watched, results),
    );
    return worstExit(results.map((r) => (r.status === 'passed' ? EXIT.ok : EXIT.stepFailed)));
  } finally {
    await Promise.all(transports.map((t) => t.close()));
    state.store.close();
  }
}

/** How each host's watch ended, then what to roll back when any breached. */
export function fleetMonitorSummary(
  fleetId: string,
  /** The options that name the fleet (fleetFlags). */
  flags: string,
  watched: readonly MonitoredHost[],
  results: readonly WatchResult[],
): string {
  const width = Math.max(...watched.map((h) => h.host.length));
  const breached = watched.filter((_, i) => results[i]!.status === 'breached');
  const lines = watched.map((h, i) => `  ${h.host.padEnd(width)}  ${resultLine(results[i]!)}\n`);
  const passed = results.filter((r) => r.status === 'passed').length;
  return (
    `Monitoring fleet ${fleetId}: ${passed} of ${watched.length} hosts passed\n` +
    lines.join('') +
    breached
      .map((h) => `Roll back ${h.host} with: ${cli(`rollback ${h.deployment!.id} ${flags}`)}\n`)
      .join('') +
    (breached.length
      ? `Roll back every host that changed: ${cli(`rollback ${fleetId} ${flags}`)}\n`
      : '')
  );
}
