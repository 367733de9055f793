import {
  gatherChangePreview,
  needsDowngradeConfirmation,
  type ChangePreview,
} from '../../engine/change-preview.js';
import { errorMessage } from '../../util/error.js';
import { printable } from '../../util/text.js';
import type { TuiCore } from '../app/core.js';

/** The event that records the operator's `y` to a downgrade across a migration. */
const DOWNGRADE_CONFIRMED = 'downgrade-confirmed';

/**
 * One read of the target per core and version: the checklist screen starts
 * it when it opens, and Enter waits for the same read rather than asking twice.
 */
const reads = new WeakMap<TuiCore, { version: string; done: Promise<ChangePreview | undefined> }>();

/** The change preview of `version`, shown on the checklist as it arrives; undefined when it could not be read. */
export function readPreview(core: TuiCore, version: string): Promise<ChangePreview | undefined> {
  const known = reads.get(core);
  if (known?.version === version) return known.done;
  core.dispatch({ type: 'preview', preview: { version } });
  const done = gatherChangePreview(core.deps, version).then(
    (preview) => {
      core.dispatch({ type: 'preview', preview: { version, preview } });
      return preview;
    },
    (error: unknown) => {
      core.dispatch({ type: 'preview', preview: { version, error: errorMessage(error) } });
      return undefined;
    },
  );
  reads.set(core, { version, done });
  return done;
}

const lost = (p: ChangePreview) =>
  p.migrationsLost.map((tag) => `migration_${printable(tag)}.sql`).join(', ');

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
 * across a migration asks `y` first, once (a fleet's: as its first host's
 * preview says, recorded on every host).
 */
export async function leaveChecklist(core: TuiCore): Promise<void> {
  const next = onward(core);
  if (!next) return;
  const preview = await readPreview(core, next.version);
  const { store } = core.deps;
  const confirmed = next.ids.every((id) =>
    store.events(id).some((e) => e.type === DOWNGRADE_CONFIRMED),
  );
  if (preview && needsDowngradeConfirmation(preview) && !confirmed)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'downgrade',
        question: `Downgrade: the database keeps ${lost(preview)}. Deploy ${printable(next.version)}?`,
      },
    });
  core.dispatch({ type: 'navigate', stage: next.stage });
}

/** `y` to the downgrade: recorded with who said it and what the database keeps, then on. */
export function downgradeConfirmed(core: TuiCore): void {
  const next = onward(core);
  if (!next) return;
  void readPreview(core, next.version).then((preview) => {
    for (const id of next.ids)
      core.deps.store.event(id, DOWNGRADE_CONFIRMED, core.deps.operator, preview && lost(preview));
    core.dispatch({ type: 'navigate', stage: next.stage });
  });
}
