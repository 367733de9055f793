import { checklistComplete, tickItem } from '../../engine/deployment.js';
import type { ChecklistRecord } from '../../state/types.js';
import { CHECKLIST } from '../../steps/checklist.js';
import type { TuiCore } from '../app/core.js';
import { toPhaseOne } from './preview.js';

/**
 * `Space`: ticks or unticks an item for the operator, recording who and
 * when. A red item (its check failed) is ticked only with a reason, so it
 * asks for one instead.
 */
export function toggleItem(core: TuiCore, itemId: string): void {
  const runner = core.runner;
  if (!runner) return;
  const { store, operator } = core.deps;
  const record = store.checklist(runner.deployment.id).find((c) => c.itemId === itemId);
  const checked = record?.checked ?? false;
  if (!checked && record?.evidenceOk === false)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'reason',
        intent: 'tick',
        itemId,
        prompt: `${itemId} failed its check (${record.evidence}). Reason to tick it anyway:`,
      },
    });
  tickItem(store, runner.deployment.id, itemId, { checked: !checked, by: operator });
  core.sync();
}

export function tickWithReason(core: TuiCore, itemId: string, reason: string): void {
  const runner = core.runner;
  if (!runner) return;
  tickItem(core.deps.store, runner.deployment.id, itemId, {
    checked: true,
    by: core.deps.operator,
    reason,
  });
  core.sync();
}

/** `Enter`: on to phase 1 only when every item is ticked (and a downgrade across a migration is confirmed). */
export function continueFromChecklist(core: TuiCore): void {
  const runner = core.runner;
  if (!runner) return;
  const { store } = core.deps;
  if (checklistComplete(store, runner.deployment.id)) return void toPhaseOne(core);
  const left = unticked(store.checklist(runner.deployment.id));
  core.notify(
    `Tick every item before continuing: ${left.length} left (${left.join(', ')})`,
    'error',
    // "n left" is true until the next tick or untick.
    (state) => unticked(state.checklist).join() === left.join(),
  );
}

/** The checklist items not ticked yet, in the runbook's order. */
function unticked(records: readonly ChecklistRecord[]): string[] {
  const ticked = new Set(records.filter((c) => c.checked).map((c) => c.itemId));
  return CHECKLIST.filter((i) => !ticked.has(i.id)).map((i) => i.id);
}
