import type { EventRecord } from '../state/types.js';

export interface PostItem {
  id: string;
  group: 'Documentation Updates' | 'Communication';
  label: string;
}

/**
 * The runbook's "Documentation Updates" and "Communication" checklists,
 * ticked on the summary screen. Runbook data, like the Pre-Deployment
 * Checklist: the TUI ticks them and the export lists them.
 */
export const POST_ITEMS: readonly PostItem[] = [
  { id: 'docs.1', group: 'Documentation Updates', label: 'Update version in documentation' },
  { id: 'docs.2', group: 'Documentation Updates', label: 'Record deployment in change log' },
  {
    id: 'docs.3',
    group: 'Documentation Updates',
    label: 'Update configuration documentation if changed',
  },
  { id: 'docs.4', group: 'Documentation Updates', label: 'Document any manual steps performed' },
  { id: 'docs.5', group: 'Documentation Updates', label: 'Update runbook if procedures changed' },
  { id: 'comm.1', group: 'Communication', label: 'Notify stakeholders of successful deployment' },
  {
    id: 'comm.2',
    group: 'Communication',
    label: 'Update status page if maintenance window was scheduled',
  },
  { id: 'comm.3', group: 'Communication', label: 'Send deployment summary to operations team' },
  {
    id: 'comm.4',
    group: 'Communication',
    label: 'Schedule post-deployment review meeting if issues occurred',
  },
];

/**
 * Event types of a post-deployment tick. The ticks are kept as events only
 * (no table of their own): each event already carries the item, who and
 * when, and the events are the audit trail the export lists anyway.
 */
export const POST_TICKED = 'post-deployment ticked';
export const POST_UNTICKED = 'post-deployment unticked';

/** Event detail: `docs.1 Update version in documentation`. */
export const postDetail = (item: PostItem) => `${item.id} ${item.label}`;

/** An item's state after replaying its events: who ticked it and when its last change was. */
export interface PostTick {
  checked: boolean;
  /** Who ticked it; null once unticked (as the Pre-Deployment Checklist records it). */
  by: string | null;
  /** The last tick or untick. */
  at: number;
}

/** What replaying ticks reads of an event. */
type TickEvent = Pick<EventRecord, 'at' | 'type' | 'actor' | 'detail'>;

/** Replays the tick events: the last one for an item wins. Items never touched are absent. */
export function postTickRecords(events: readonly TickEvent[]): Map<string, PostTick> {
  const ticks = new Map<string, PostTick>();
  for (const e of events) {
    if (e.type !== POST_TICKED && e.type !== POST_UNTICKED) continue;
    const id = e.detail?.split(' ')[0];
    if (!id) continue;
    const checked = e.type === POST_TICKED;
    ticks.set(id, { checked, by: checked ? e.actor : null, at: e.at });
  }
  return ticks;
}

/** Which items are ticked, for the summary screen's boxes. */
export function postTicksFrom(events: readonly TickEvent[]): Record<string, boolean> {
  return Object.fromEntries([...postTickRecords(events)].map(([id, t]) => [id, t.checked]));
}
