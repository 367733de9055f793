import { tickItem } from '../../engine/deployment.js';
import type { HostEvidence } from '../../fleet/checklist.js';
import { CHECKLIST } from '../../steps/checklist.js';
import type { TuiCore } from '../app/core.js';
import { fleetEntries } from '../app/fleet-checklist.js';
import type { ChecklistEntry } from '../app/state.js';
import { leaveChecklist } from './preview.js';

type Tick = { checked: boolean; by: string; reason?: string };

/** The checklist a core ticks: its deployment's, or on the fleet screen's core the fleet's one checklist. */
interface Checklist {
  entries(): ChecklistEntry[];
  /** Recorded with who and when: on the deployment, or on every host of the fleet. */
  tick(itemId: string, tick: Tick): void;
}

function checklistOf(core: TuiCore): Checklist | undefined {
  const fleet = core.fleet;
  if (fleet && !fleet.host)
    return {
      entries: () => fleetEntries(fleet.control.checklist()),
      tick: (itemId, tick) => fleet.control.tick(itemId, tick),
    };
  const runner = core.runner;
  if (!runner) return undefined;
  const { store } = core.deps;
  const id = runner.deployment.id;
  return {
    entries: () => store.checklist(id),
    tick: (itemId, tick) => tickItem(store, id, itemId, tick),
  };
}

/**
 * `Space`: ticks or unticks an item for the operator, recording who and
 * when (on a fleet: on every host). A red item (its check failed; on a
 * fleet, on any host) is ticked only with a reason, so it asks for one instead.
 */
export function toggleItem(core: TuiCore, itemId: string): void {
  const checklist = checklistOf(core);
  if (!checklist) return;
  const record = checklist.entries().find((c) => c.itemId === itemId);
  const checked = record?.checked ?? false;
  if (!checked && record?.evidenceOk === false)
    return core.dispatch({
      type: 'overlay',
      overlay: {
        kind: 'reason',
        intent: 'tick',
        itemId,
        prompt: record.hosts
          ? `${itemId} failed its check on ${failing(record.hosts)}. Reason to tick it anyway (recorded on every host):`
          : `${itemId} failed its check (${record.evidence}). Reason to tick it anyway:`,
      },
    });
  checklist.tick(itemId, { checked: !checked, by: core.deps.operator });
  core.sync();
}

/** `web3` or `web2, web3`: the hosts whose check failed (their evidence is on the screen). */
const failing = (hosts: readonly HostEvidence[]): string =>
  hosts
    .filter((h) => h.ok === false)
    .map((h) => h.host)
    .join(', ');

export function tickWithReason(core: TuiCore, itemId: string, reason: string): void {
  checklistOf(core)?.tick(itemId, { checked: true, by: core.deps.operator, reason });
  core.sync();
}

/**
 * `Enter`: on only when every item is ticked: to phase 1 (a downgrade
 * across a migration confirmed first), or a fleet's screen, where `A` starts it.
 */
export function continueFromChecklist(core: TuiCore): void {
  const checklist = checklistOf(core);
  if (!checklist) return;
  const left = unticked(checklist.entries());
  if (!left.length) return void leaveChecklist(core);
  core.notify(
    `Tick every item before continuing: ${left.length} left (${left.join(', ')})`,
    'error',
    // "n left" is true until the next tick or untick.
    (state) => unticked(state.checklist).join() === left.join(),
  );
}

/** The checklist items not ticked yet, in the runbook's order. */
function unticked(records: readonly ChecklistEntry[]): string[] {
  const ticked = new Set(records.filter((c) => c.checked).map((c) => c.itemId));
  return CHECKLIST.filter((i) => !ticked.has(i.id)).map((i) => i.id);
}
