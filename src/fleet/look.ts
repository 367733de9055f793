import { preflight } from '../engine/preflight.js';
import { errorMessage } from '../util/error.js';
import type { FleetHostHandle } from './checks.js';

/** One host as a fleet's start screen shows it. */
export interface FleetHostLook {
  host: string;
  /** The tag it runs, or its short commit when HEAD is not a tag. */
  runningVersion: string;
}

/** What a fleet runs and what it can be given, before any version is chosen. */
export interface FleetLook {
  hosts: FleetHostLook[];
  /** The tags on every host, newest first (as the first host sorts them): the versions the group can deploy. */
  tags: string[];
  /** Tags some hosts lack, with the hosts that lack them: not deployable to the group. */
  partial: { tag: string; missingOn: string[] }[];
}

/**
 * Looks at every host side by side (read-only, the single target's
 * preflight): what each runs and which tags each has. A host that does not
 * answer fails the look, naming it.
 */
export async function lookAtFleet(hosts: readonly FleetHostHandle[]): Promise<FleetLook> {
  const looks = await Promise.all(
    hosts.map(async (h) => {
      try {
        const { runningVersion, tags } = await preflight(h.ctx.transport, h.ctx.target, '');
        return { host: h.name, runningVersion, tags };
      } catch (error) {
        throw new Error(`${h.name}: ${errorMessage(error)}`, { cause: error });
      }
    }),
  );
  return {
    hosts: looks.map(({ host, runningVersion }) => ({ host, runningVersion })),
    ...sharedTags(looks),
  };
}

/**
 * The tags every host has (a version missing on one host would be refused
 * for the whole fleet), and the others with the hosts that lack them.
 */
export function sharedTags(
  looks: readonly { host: string; tags: readonly string[] }[],
): Pick<FleetLook, 'tags' | 'partial'> {
  const all = [...new Set(looks.flatMap((l) => l.tags))];
  const missingOn = (tag: string) => looks.filter((l) => !l.tags.includes(tag)).map((l) => l.host);
  return {
    tags: all.filter((t) => missingOn(t).length === 0),
    partial: all.flatMap((tag) => {
      const lacking = missingOn(tag);
      return lacking.length ? [{ tag, missingOn: lacking }] : [];
    }),
  };
}

/** `v1.0.0` when every host runs it, else `v1.0.0 on web1, web2 · v1.0.1 on web3`. */
export function runningSummary(hosts: readonly FleetHostLook[]): string {
  const byVersion = new Map<string, string[]>();
  for (const h of hosts)
    byVersion.set(h.runningVersion, [...(byVersion.get(h.runningVersion) ?? []), h.host]);
  if (byVersion.size === 1) return `${hosts[0]!.runningVersion} on every host`;
  return [...byVersion].map(([version, names]) => `${version} on ${names.join(', ')}`).join(' · ');
}
