import { buildFleetLog, fleetMarkdown } from '../../fleet/export.js';
import type { FleetHostView, FleetView } from '../../fleet/view.js';
import { errorMessage } from '../../util/error.js';
import { EXIT } from '../../util/exit.js';
import type { TuiCore } from '../app/core.js';
import type { FleetControl } from '../app/fleet-control.js';
import { keyLabel } from '../app/keys.js';
import type { Notice } from '../app/state.js';
import { writeExecutionLog } from './export.js';

/** The fleet screen's core, from it or from one of its hosts' cores. */
export const fleetRoot = (core: TuiCore): TuiCore => core.fleet?.root ?? core;

/**
 * Hosts a fleet rollback would restore, as the view tells: those past phase
 * 1 (it only checks and backs up; 2.1 stops the service) and not rolled back
 * or skipped. The engine decides from each host's attempts; this names them.
 */
export const changedHosts = (view: FleetView): FleetHostView[] =>
  view.hosts.filter(
    (h) => (h.phase ?? 0) >= 2 && h.status !== 'rolled_back' && h.status !== 'skipped',
  );

/** Said where the key was pressed, and on the fleet screen too when that was a host's screen. */
function say(core: TuiCore, text: string, tone: Notice['tone']): void {
  core.notify(text, tone);
  const root = fleetRoot(core);
  if (root !== core) root.notify(text, tone);
}

/**
 * Runs one fleet action with the fleet's busy flag up (one at a time, for
 * the whole fleet, whichever screen asked), then says how the rollout stands.
 */
async function fleetWork(
  core: TuiCore,
  what: string,
  act: (control: FleetControl) => Promise<void>,
): Promise<void> {
  const root = fleetRoot(core);
  const control = root.fleet?.control;
  if (!control) return;
  if (root.busy)
    return say(core, `Busy: ${what} waits until the fleet's current work ends`, 'error');
  if (core !== root) core.dispatch({ type: 'busy', what });
  let failure: string | undefined;
  await root.work(what, () => act(control).catch((error) => void (failure = errorMessage(error))));
  if (core !== root) core.dispatch({ type: 'idle' });
  core.sync();
  if (failure) return say(core, failure, 'error');
  const { text, tone } = standing(control.view.getSnapshot());
  say(core, text, tone);
}

/** How the rollout stands, in one line, with the keys that act on it when it halted. */
export function standing(view: FleetView): Notice {
  const done = view.hosts.filter((h) => h.status === 'succeeded').length;
  const total = view.hosts.length;
  if (view.status === 'succeeded')
    return { text: `Rollout complete: ${done} of ${total} hosts on ${view.versionTo}`, tone: 'ok' };
  if (view.status === 'rolled_back')
    return { text: 'Rollback complete: every changed host restored', tone: 'ok' };
  if (view.halted) {
    // The reason is on the screen's Halted line: the notice says what the operator can do.
    const { host } = view.halted;
    return {
      text: `Rollout halted at ${host}: ${keyLabel('retry')} retry it · ${keyLabel('skip')} skip it · ${keyLabel('rollback')} roll back`,
      tone: 'error',
    };
  }
  return { text: `${done} of ${total} hosts done`, tone: 'info' };
}

export const openHost = (core: TuiCore, host: string): void =>
  core.dispatch({ type: 'fleet-host', host });

export const backToFleet = (core: TuiCore): void =>
  fleetRoot(core).dispatch({ type: 'fleet-host', host: undefined });

/** Every item of the fleet's one checklist is ticked on every host: the rollout may start. */
export const fleetChecklistTicked = (control: FleetControl): boolean =>
  control.checklist().every((i) => i.checked);

/** Where a fleet's TUI opens: on its checklist until that is ticked, then on the fleet screen. */
export const fleetOpening = (control: FleetControl): 'checklist' | 'fleet' =>
  fleetChecklistTicked(control) ? 'fleet' : 'checklist';

/**
 * `A` on the fleet screen: the rollout, from where it stands, until it ends
 * or halts. Not before the fleet's checklist is ticked on every host: back to it.
 */
export function requestProceed(core: TuiCore, view: FleetView): void {
  const control = core.fleet?.control;
  if (control && fleetChecklistTicked(control)) return void proceed(core, view.group);
  core.dispatch({ type: 'navigate', stage: 'checklist' });
  core.notify(
    'Tick the fleet’s checklist first: the rollout starts once every item is ticked',
    'error',
  );
}

export const proceed = (core: TuiCore, group: string): Promise<void> =>
  fleetWork(core, `rolling out ${group}`, (c) => c.proceed());

/** `r`: the host's failed step again; the rollout goes on with `A`. */
export const retryHost = (core: TuiCore, host: string): Promise<void> =>
  fleetWork(core, `retrying ${host}`, (c) => c.retry(host));

/** `s`: asks the reason first. */
export function requestSkipHost(core: TuiCore, host: string): void {
  core.dispatch({
    type: 'overlay',
    overlay: {
      kind: 'reason',
      intent: 'fleet-skip',
      host,
      prompt: `Skip ${host} (it is not deployed; the rollout goes on without it) — reason:`,
    },
  });
}

export const skipHost = (core: TuiCore, host: string, reason: string): Promise<void> =>
  fleetWork(core, `skipping ${host}`, (c) => c.skip(host, reason));

/** `R`: one host (from its screen) or every changed host (from the fleet screen); asks `y` first. */
export function requestFleetRollback(core: TuiCore, view: FleetView, host?: string): void {
  const changed = changedHosts(view).map((h) => h.host);
  if (!host && changed.length === 0)
    return say(core, 'Nothing to roll back: no host has changed', 'info');
  const question = host
    ? `Roll back ${host}? This runs its Emergency Rollback steps.`
    : `Roll back every changed host, in reverse order (${changed.reverse().join(', ')})?`;
  core.dispatch({
    type: 'overlay',
    overlay: { kind: 'confirm', intent: 'fleet-rollback', question, host },
  });
}

export const rollBackFleet = (core: TuiCore, host: string | undefined): Promise<void> =>
  fleetWork(core, host ? `rolling back ${host}` : 'rolling back every changed host', (c) =>
    c.rollBack(host ?? null),
  );

/** The exit code and closing words of a fleet rollout (DESIGN's codes, as for one target). */
export function fleetEnding(
  core: TuiCore,
  view: FleetView,
  interrupted: boolean,
): { code: number; message: string } {
  const status = `Fleet deployment ${view.id} (${view.group}): ${view.status.replace('_', ' ')}`;
  if (view.status !== 'in_progress' && view.status !== 'failed') {
    const done = view.status === 'succeeded' || view.status === 'rolled_back';
    return {
      code: interrupted ? EXIT.interrupted : done ? EXIT.ok : EXIT.stepFailed,
      message: status,
    };
  }
  return {
    code: interrupted ? EXIT.interrupted : EXIT.stepFailed,
    message: `${status}; state saved.\nResume with: ${core.resumeCommand(view.id)}`,
  };
}

/** `e` on the fleet screen: the fleet's execution log (its summary, then each host's), where `e` writes one deployment's. */
export function exportFleetLog(core: TuiCore): void {
  const control = core.fleet?.control;
  if (!control) return;
  const { id } = control.view.getSnapshot();
  const threshold = (host: string) =>
    control.host(host).context.target.thresholds.maxRegressionPercent;
  writeExecutionLog(core, id, () => fleetMarkdown(buildFleetLog(core.deps.store, id, threshold)));
}
