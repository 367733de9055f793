import type { FleetChecklistItem, HostEvidence } from '../../fleet/checklist.js';
import type { ChecklistEntry } from './state.js';

/**
 * A fleet's evidence in one line, for the item's row and its reason prompt:
 * how many hosts passed, then the failing hosts with their evidence (all
 * hosts when none failed), e.g. `2/3 hosts ok · web3: 4% free on /srv/app`.
 */
function evidenceSummary(hosts: readonly HostEvidence[]): string {
  const failed = hosts.filter((h) => h.ok === false);
  const named = (failed.length ? failed : hosts).map((h) => `${h.host}: ${h.text}`);
  return [`${hosts.length - failed.length}/${hosts.length} hosts ok`, ...named].join(' · ');
}

/** The fleet's one checklist as the checklist screen shows it. */
export const fleetEntries = (items: readonly FleetChecklistItem[]): ChecklistEntry[] =>
  items.map((i) => ({
    itemId: i.item.id,
    checked: i.checked,
    ...i.tick,
    evidenceOk: i.evidenceOk,
    evidence: i.evidence.length ? evidenceSummary(i.evidence) : null,
    hosts: i.evidence,
  }));
