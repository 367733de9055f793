import type { TuiCore } from '../app/core.js';
import type { Overlay, UiState } from '../app/state.js';
import { tickWithReason } from './checklist.js';
import { interrupt, quit } from './exit.js';
import { rollBackFleet, skipHost } from './fleet.js';
import { abandonFleet, rollBackUnfinishedFleet } from './fleet-start.js';
import { issuesGiven, resolutionGiven } from './issues.js';
import { leaveMonitor } from './monitor.js';
import { retry, rollback, skip } from './phase.js';
import { downgradeConfirmed } from './preview.js';
import { abandon, rollbackUnfinished } from './start.js';

type Confirm = Extract<Overlay, { kind: 'confirm' }>;
type Reason = Extract<Overlay, { kind: 'reason' }>;

/** `y` on a confirm prompt. */
export function confirmed(core: TuiCore, state: UiState, overlay: Confirm): void {
  core.dispatch({ type: 'close-overlay' });
  switch (overlay.intent) {
    case 'rollback':
      // From the Monitor screen the R steps run on the Rollback screen, as from a phase.
      if (state.stage === 'monitor') leaveMonitor(core, 'phase', 'stopped to roll back');
      return void rollback(core);
    case 'rollback-unfinished':
      if (state.start.unfinished) void rollbackUnfinished(core, state.start.unfinished);
      if (state.start.fleet?.unfinished)
        void rollBackUnfinishedFleet(core, state.start.fleet.unfinished);
      return;
    case 'interrupt':
      return interrupt(core, true);
    case 'rerun':
      return void retry(core, true);
    case 'downgrade':
      return downgradeConfirmed(core);
    case 'fleet-rollback':
      return void rollBackFleet(core, overlay.host);
  }
}

/** `n` or Esc on a confirm prompt. */
export function declined(core: TuiCore, overlay: Confirm): void {
  core.dispatch({ type: 'close-overlay' });
  if (['rollback', 'rollback-unfinished', 'fleet-rollback'].includes(overlay.intent))
    core.notify('Roll back cancelled: nothing was changed', 'info');
  if (overlay.intent === 'downgrade')
    core.notify(
      `Downgrade not confirmed: ${core.fleet ? 'the fleet screen not opened' : 'phase 1 not started'} (q quits)`,
      'info',
    );
}

/** Enter on a reason prompt (an optional one may be answered with nothing). */
export function reasonGiven(core: TuiCore, state: UiState, overlay: Reason, reason: string): void {
  core.dispatch({ type: 'close-overlay' });
  switch (overlay.intent) {
    case 'skip':
      return void skip(core, reason);
    case 'tick':
      if (overlay.itemId) tickWithReason(core, overlay.itemId, reason);
      return;
    case 'abandon':
      if (state.start.unfinished) void abandon(core, state.start.unfinished, reason, state.start);
      if (state.start.fleet?.unfinished)
        void abandonFleet(core, state.start.fleet.unfinished, reason, state.start);
      return;
    case 'issues':
      return issuesGiven(core, reason, overlay.andQuit, overlay.draft);
    case 'resolution':
      resolutionGiven(core, reason);
      if (overlay.andQuit) quit(core, true);
      return;
    case 'fleet-skip':
      if (overlay.host) void skipHost(core, overlay.host, reason);
      return;
  }
}
