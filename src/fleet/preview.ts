import {
  gatherChangePreview,
  needsDowngradeConfirmation,
  type ChangePreview,
} from '../engine/change-preview.js';
import { keptMigrations, type PreviewLine } from '../engine/change-preview-lines.js';
import type { EngineContext } from '../engine/context.js';
import { errorMessage } from '../util/error.js';
import { inert } from '../util/text.js';
import { startAtMost } from '../util/pool.js';
import { FLEET_PARALLELISM } from './parallelism.js';

/** One host and what its change preview is read through. */
export interface PreviewedHost {
  name: string;
  ctx: Pick<EngineContext, 'transport' | 'target' | 'store' | 'targetName'>;
}

/** One host's change preview of the fleet's version, or why it could not be read. */
export interface HostPreview {
  host: string;
  preview?: ChangePreview;
  error?: string;
}

/**
 * Every host's change preview of `version`, at most FLEET_PARALLELISM read
 * at once, one promise per host in the hosts' order (each may reject).
 */
export const readHostPreviews = (
  hosts: readonly PreviewedHost[],
  version: string,
): Promise<ChangePreview>[] =>
  startAtMost(hosts, FLEET_PARALLELISM, (h) => gatherChangePreview(h.ctx, version));

/** Every host's change preview of `version`, one promise per host; a host that could not be read says why. */
export const hostPreviews = (
  hosts: readonly PreviewedHost[],
  version: string,
): Promise<HostPreview>[] =>
  readHostPreviews(hosts, version).map((read, i) =>
    read.then(
      (preview) => ({ host: hosts[i]!.name, preview }),
      (error: unknown) => ({ host: hosts[i]!.name, error: errorMessage(error) }),
    ),
  );

/** The hosts a downgrade across a migration would reach: each needs the operator's word. */
export const downgradedHosts = (previews: readonly HostPreview[]): HostPreview[] =>
  previews.filter((p) => p.preview && needsDowngradeConfirmation(p.preview));

/**
 * What the databases keep, host by host, hosts that keep the same named
 * together: `migration_v1.0.1.sql on web1, web2; migration_v1.0.2.sql on web3`.
 */
export function migrationsKept(downgraded: readonly HostPreview[]): string {
  const byLost = new Map<string, string[]>();
  for (const p of downgraded) {
    const lost = keptMigrations(p.preview!);
    byLost.set(lost, [...(byLost.get(lost) ?? []), p.host]);
  }
  return [...byLost].map(([lost, hosts]) => `${lost} on ${hosts.join(', ')}`).join('; ');
}

/** What makes two hosts' previews tell the operator different things. */
const gist = (p: ChangePreview) =>
  [p.runningVersion, p.direction, p.migrations.join(), p.migrationsLost.join()].join('\n');

/** One host whose preview is not the shown one's, in a few words. */
function differs(p: HostPreview): string {
  if (!p.preview) return `${p.host} unread (${inert(p.error ?? 'unknown', { max: 80 })})`;
  const running = inert(p.preview.runningVersion, { max: 64 });
  if (needsDowngradeConfirmation(p.preview))
    return `${p.host} ✗ downgrade from ${running}, keeps ${keptMigrations(p.preview)}`;
  const migrations = p.preview.migrations.length
    ? `, migrations ${p.preview.migrations.map((t) => inert(t, { max: 64 })).join(' ')}`
    : '';
  return `${p.host} runs ${running} (${p.preview.direction}${migrations})`;
}

/**
 * The line under the shown host's preview that names the other hosts: those
 * whose preview differs from it (unread, another running version, direction
 * or migrations), red when one of them would be downgraded across a
 * migration; undefined before they are read, or for a lone host.
 */
export function otherHostsLine(
  shown: HostPreview,
  others: readonly HostPreview[],
): PreviewLine | undefined {
  if (!others.length) return undefined;
  const same = (p: HostPreview) =>
    shown.preview !== undefined &&
    p.preview !== undefined &&
    gist(p.preview) === gist(shown.preview);
  const different = others.filter((p) => !same(p));
  if (!different.length)
    return { text: `  ${others.map((p) => p.host).join(', ')}: the same preview`, tone: 'muted' };
  return {
    text: `${downgradedHosts(different).length ? '✗' : '⚠'} other hosts: ${different.map(differs).join(' · ')}`,
    tone: downgradedHosts(different).length ? 'error' : 'warn',
  };
}
