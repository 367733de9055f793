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

/** On to phase 1 from a ticked checklist; a downgrade across a migration asks `y` first, once. */
export async function toPhaseOne(core: TuiCore): Promise<void> {
  const runner = core.runner;
  if (!runner) return;
  const { id, versionTo } = runner.deployment;
  const preview = await readPreview(core, versionTo);
  const confirmed = core.deps.store.events(id).some((e) => e.type === DOWNGRADE_CONFIRMED);
  if (preview && needsDowngradeConfirmation(preview) && !confirmed)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'confirm',
        intent: 'downgrade',
        question: `Downgrade: the database keeps ${lost(preview)}. Deploy ${printable(versionTo)}?`,
      },
    });
  core.dispatch({ type: 'navigate', stage: 'phase' });
}

/** `y` to the downgrade: recorded with who said it and what the database keeps, then phase 1. */
export function downgradeConfirmed(core: TuiCore): void {
  const runner = core.runner;
  if (!runner) return;
  const { id, versionTo } = runner.deployment;
  void readPreview(core, versionTo).then((preview) => {
    core.deps.store.event(id, DOWNGRADE_CONFIRMED, core.deps.operator, preview && lost(preview));
    core.dispatch({ type: 'navigate', stage: 'phase' });
  });
}
