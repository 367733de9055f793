import { MonitorSession } from '../app/monitor-session.js';
import type { TuiCore } from '../app/core.js';
import { keyLabel } from '../app/keys.js';
import type { Stage } from '../app/state.js';

/**
 * Enter on the summary's "Start post-deployment monitoring": opens the
 * Monitor screen and watches the target over the TUI's own connection.
 * Read-only on the target, so it runs beside nothing and takes no lock, as
 * `cvd-tui monitor` does. Only a succeeded deployment: a breach's advice is
 * to roll it back.
 */
export function startMonitoring(core: TuiCore): void {
  const runner = core.runner;
  if (!runner) return;
  const d = runner.deployment;
  if (d.status !== 'succeeded')
    return core.notify(
      `Monitoring watches a succeeded deployment; ${d.id} is ${d.status.replace('_', ' ')}`,
      'error',
    );
  const { deps } = core;
  core.monitor?.stop('a new monitoring window was started');
  const session = new MonitorSession({
    store: deps.store,
    deploymentId: d.id,
    operator: deps.operator,
    transport: deps.transport,
    target: deps.target,
    ...deps.monitor,
    onEnd: (view) => {
      if (view.status === 'breached')
        // The alert; the breaches themselves are listed on the screen above it.
        core.notify(
          `Monitoring breached ${view.breaches.length === 1 ? 'a limit' : `${view.breaches.length} limits`}: ${keyLabel('rollback')} roll back (asks y), ${keyLabel('cancel')} back to the summary`,
          'error',
        );
      else if (view.status === 'passed') core.notify(`Monitoring passed: ${view.summary}`, 'ok');
      else core.notify(`Monitoring stopped: ${view.reason}`, 'error');
    },
  });
  core.monitor = session;
  session.start();
  core.dispatch({ type: 'navigate', stage: 'monitor' });
}

/** Leaves the Monitor screen for `stage`, ending a window still running (recorded as stopped, with `reason`). */
export function leaveMonitor(core: TuiCore, stage: Stage, reason: string): void {
  core.monitor?.stop(reason);
  core.dispatch({ type: 'navigate', stage });
}
