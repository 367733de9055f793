import type { StateStore } from '../state/store.js';
import type { MonitorTally } from './tally.js';
import { summarize } from './tally.js';
import type { WatchResult } from './watch.js';

/**
 * What a monitoring window leaves in the state store, the same whether
 * `cvd-tui monitor` or the TUI's Monitor screen ran it: facts the export
 * reads, events, and on a breach an issue.
 */
export interface MonitorRecord {
  store: StateStore;
  deploymentId: string;
  operator: string;
}

/** A window starts: the event names its length and interval. */
export function recordMonitorStart(
  r: MonitorRecord,
  window: { minutes: number; intervalSeconds: number },
): void {
  r.store.event(
    r.deploymentId,
    'monitor started',
    r.operator,
    `${window.minutes} min window, a sample every ${window.intervalSeconds} s`,
  );
}

/** Stores how the window ended as facts on the deployment (the export reads them) and events. */
export function recordMonitorResult(r: MonitorRecord, result: WatchResult): void {
  const { store, deploymentId: id, operator } = r;
  const summary = summarize(result.tally);
  const breaches = result.breaches.map((b) => b.message).join('; ');
  // monitorBreaches empty rather than absent: a clean window replaces the breaches of an earlier one.
  store.recordFacts(id, 'monitor', {
    monitorStatus: result.status,
    monitorSummary: summary,
    monitorBreaches: breaches,
  });
  if (result.status === 'breached') {
    for (const b of result.breaches) store.event(id, 'monitor breach', operator, b.message);
    // An issue too, so the Execution Log's "Issues Encountered" names it.
    store.addIssue(id, operator, `post-deployment monitoring: ${breaches}`);
  } else
    store.event(
      id,
      `monitor ${result.status}`,
      operator,
      result.reason ? `${result.reason}; ${summary}` : summary,
    );
}

/**
 * A window cut short (a signal, the operator leaving): recorded as `stopped`
 * with what the tally saw so far. Synchronous on purpose: it runs while the
 * process is on its way out, before the store is closed.
 */
export function recordMonitorStopped(r: MonitorRecord, tally: MonitorTally, reason: string): void {
  tally.endedAt = Date.now();
  recordMonitorResult(r, { status: 'stopped', breaches: [], reason, tally });
}
