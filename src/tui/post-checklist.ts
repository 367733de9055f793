import type { EventRecord } from '../state/types.js';

export interface PostItem {
  id: string;
  group: 'Documentation Updates' | 'Communication';
  label: string;
}

/** The runbook's "Documentation Updates" and "Communication" checklists, ticked on the summary screen. */
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

/** Event types of a post-deployment tick: the export lists events, so every tick is in the execution log. */
export const POST_TICKED = 'post-deployment ticked';
export const POST_UNTICKED = 'post-deployment unticked';

/** Event detail: `docs.1 Update version in documentation`. */
export const postDetail = (item: PostItem) => `${item.id} ${item.label}`;

/** Replays the tick events: the last one for an item wins. */
export function postTicksFrom(events: readonly EventRecord[]): Record<string, boolean> {
  const ticks: Record<string, boolean> = {};
  for (const e of events) {
    if (e.type !== POST_TICKED && e.type !== POST_UNTICKED) continue;
    const id = e.detail?.split(' ')[0];
    if (id) ticks[id] = e.type === POST_TICKED;
  }
  return ticks;
}
