import { keptMigrations } from '../../engine/change-preview-lines.js';
import {
  downgradedHosts,
  hostPreviews,
  migrationsKept,
  otherHostsLine,
  type HostPreview,
  type PreviewedHost,
} from '../../fleet/preview.js';
import { printable } from '../../util/text.js';
import type { TuiCore } from '../app/core.js';

/** The event that records the operator's `y` to a downgrade across a migration. */
const DOWNGRADE_CONFIRMED = 'downgrade-confirmed';

/**
 * One read of the target (a fleet's: of each host) per core and version:
 * the checklist screen starts it when it opens, and Enter waits for the
 * same read rather than asking twice.
 */
const reads = new WeakMap<TuiCore, { version: string; done: Promise<HostPreview[]> }>();

/** Whether the core is a fleet screen's own (its checklist is the fleet's), not one host's. */
const fleetScreen = (core: TuiCore) => Boolean(core.fleet && !core.fleet.host);

/** The targets a core's checklist previews: its own, or every host of the fleet that is not skipped. */
function previewed(core: TuiCore): PreviewedHost[] {
  const fleet = core.fleet;
  if (!fleet || fleet.host) return [{ name: core.deps.targetName, ctx: core.deps }];
  return fleet.control.view
    .getSnapshot()
    .hosts.filter((h) => h.status !== 'skipped')
    .map((h) => ({ name: h.host, ctx: fleet.control.host(h.host).context }));
}

/**
 * The change preview of `version` on every target the checklist is for. The
 * checklist shows the first one's as it arrives (a fleet's first host's, then
 * a line naming the hosts whose preview differs from it, once all are read).
 */
export function readPreview(core: TuiCore, version: string): Promise<HostPreview[]> {
  const known = reads.get(core);
  if (known?.version === version) return known.done;
  const hosts = previewed(core);
  const host = fleetScreen(core) ? hosts[0]?.name : undefined;
  core.dispatch({ type: 'preview', preview: { version, host } });
  const each = hostPreviews(hosts, version);
  const shown = ({ preview, error }: HostPreview) =>
    core.dispatch({ type: 'preview', preview: { version, host, preview, error } });
  void each[0]?.then(shown);
  const done = Promise.all(each).then((all) => {
    const [first, ...others] = all;
    if (first && others.length)
      core.dispatch({
        type: 'preview',
        preview: { ...first, version, host, others: otherHostsLine(first, others) },
      });
    if (!first) core.dispatch({ type: 'preview', preview: { version, error: 'no host to read' } });
    return all;
  });
  reads.set(core, { version, done });
  return done;
}

/** What the database keeps (a fleet's: on which hosts), as the question and the record say it. */
const kept = (core: TuiCore, downgraded: HostPreview[]) =>
  fleetScreen(core)
    ? migrationsKept(downgraded)
    : downgraded.map((p) => keptMigrations(p.preview!)).join(', ');

/**
 * Where a ticked checklist leads: phase 1 of the deployment on screen, or
 * (on the fleet screen's core) the fleet screen, for every host not skipped.
 */
function onward(
  core: TuiCore,
): { ids: string[]; version: string; stage: 'phase' | 'fleet' } | undefined {
  const fleet = core.fleet;
  if (fleet && !fleet.host) {
    const view = fleet.control.view.getSnapshot();
    const ids = view.hosts.flatMap((h) =>
      h.deploymentId && h.status !== 'skipped' ? [h.deploymentId] : [],
    );
    return { ids, version: view.versionTo, stage: 'fleet' };
  }
  const d = core.runner?.deployment;
  return d && { ids: [d.id], version: d.versionTo, stage: 'phase' };
}

/**
 * On from a ticked checklist, to phase 1 or a fleet's screen; a downgrade
 * across a migration asks `y` first, once: a fleet's, when any of its hosts
 * would be downgraded across one, naming each (recorded on every host).
 */
export async function leaveChecklist(core: TuiCore): Promise<void> {
  const next = onward(core);
  if (!next) return;
  const downgraded = downgradedHosts(await readPreview(core, next.version));
  const { store } = core.deps;
  const confirmed = next.ids.every((id) =>
    store.events(id).some((e) => e.type === DOWNGRADE_CONFIRMED),
  );
  if (downgraded.length && !confirmed)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'downgrade',
        question: `Downgrade: the database keeps ${kept(core, downgraded)}. Deploy ${printable(next.version)}?`,
      },
    });
  core.dispatch({ type: 'navigate', stage: next.stage });
}

/** `y` to the downgrade: recorded with who said it and what the database keeps (a fleet's: where), then on. */
export function downgradeConfirmed(core: TuiCore): void {
  const next = onward(core);
  if (!next) return;
  void readPreview(core, next.version).then((previews) => {
    const detail = kept(core, downgradedHosts(previews)) || undefined;
    const { store, operator } = core.deps;
    // One commit: the operator's `y` is on every host's record or on none.
    store.atomically(() => {
      for (const id of next.ids) store.event(id, DOWNGRADE_CONFIRMED, operator, detail);
    });
    core.dispatch({ type: 'navigate', stage: next.stage });
  });
}
