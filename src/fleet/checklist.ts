import { tickItem } from '../engine/deployment.js';
import { FleetStore } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import type { ChecklistRecord } from '../state/types.js';
import { CHECKLIST, type ChecklistItem } from '../steps/checklist.js';

/** One host's evidence for an item of the fleet's checklist (text from the target: hostile). */
export interface HostEvidence {
  host: string;
  ok: boolean | null;
  text: string;
}

/** One item of the fleet's one checklist: ticked on every host, red if any host's check failed. */
export interface FleetChecklistItem {
  item: ChecklistItem;
  /** Ticked on every begun host. */
  checked: boolean;
  /** Who ticked it, when, and why a red one: the first host's record (one tick records the same on every host). */
  tick: Pick<ChecklistRecord, 'by' | 'at' | 'reason'>;
  /** false: some host's check failed (ticking it then needs a reason); null: nothing to check. */
  evidenceOk: boolean | null;
  /** Each host's evidence, the failing hosts first. */
  evidence: HostEvidence[];
}

/** The begun, not skipped hosts of a fleet with their deployment ids. */
function begun(store: StateStore, fleetId: string): { host: string; deploymentId: string }[] {
  return new FleetStore(store)
    .hosts(fleetId)
    .flatMap((h) =>
      h.skipReason === null && h.deploymentId && store.deployment(h.deploymentId)
        ? [{ host: h.host, deploymentId: h.deploymentId }]
        : [],
    );
}

/** The fleet's checklist from every begun host's record: one row per item. */
export function fleetChecklist(store: StateStore, fleetId: string): FleetChecklistItem[] {
  const hosts = begun(store, fleetId).map((h) => ({
    host: h.host,
    items: new Map(store.checklist(h.deploymentId).map((c) => [c.itemId, c])),
  }));
  return CHECKLIST.map((item) => {
    const rows = hosts.map((h) => ({ host: h.host, record: h.items.get(item.id) }));
    const evidence = rows
      .filter((r) => r.record?.evidence)
      .map((r) => ({ host: r.host, ok: r.record!.evidenceOk, text: r.record!.evidence! }))
      .sort((a, b) => Number(a.ok !== false) - Number(b.ok !== false));
    const first = rows[0]?.record;
    return {
      item,
      checked: rows.length > 0 && rows.every((r) => r.record?.checked),
      tick: { by: first?.by ?? null, at: first?.at ?? null, reason: first?.reason ?? null },
      evidenceOk: evidence.length ? evidence.every((e) => e.ok !== false) : null,
      evidence,
    };
  });
}

/**
 * Ticks (or unticks) an item on every begun host, for `by`: the one tick
 * of the fleet's checklist, recorded in each host's own record. A red item
 * (a host's check failed) needs a reason, as on one target.
 */
export function tickFleetItem(
  store: StateStore,
  fleetId: string,
  itemId: string,
  tick: { checked: boolean; by: string; reason?: string },
): void {
  const red =
    fleetChecklist(store, fleetId).find((i) => i.item.id === itemId)?.evidenceOk === false;
  if (tick.checked && red && !tick.reason?.trim())
    throw new Error(`${itemId} failed its check on a host: ticking it needs a reason`);
  // Every host or none: a crash between two hosts' ticks must not leave the item ticked on some.
  store.atomically(() => {
    for (const h of begun(store, fleetId)) tickItem(store, h.deploymentId, itemId, tick);
  });
}
