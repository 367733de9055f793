import type { FleetHostView, FleetView } from '../../fleet/view.js';
import { interrupt, quit } from '../intents/exit.js';
import {
  backToFleet,
  changedHosts,
  exportFleetLog,
  openHost,
  requestFleetRollback,
  requestProceed,
  requestSkipHost,
  retryHost,
} from '../intents/fleet.js';
import { exportLog } from '../intents/phase.js';
import type { Cursor } from '../hooks/use-cursor.js';
import type { TuiCore } from './core.js';
import { keyLabel, type KeyAction } from './keys.js';
import type { UiState } from './state.js';

/**
 * What a key does on one screen. A screen declares a list of these; the
 * same list drives its key handler, its key bar and the `?` help, so a key
 * shown is a key handled and `?` lists only the keys that work here.
 */
export interface Binding {
  /** The key-map intents it answers (↑ and ↓ together are one binding: `move`). */
  keys: readonly KeyAction[];
  /** What the key does here, for the key bar, e.g. `run 2.3`. */
  label: string;
  /** A shorter label for narrow terminals. @default label */
  short?: string;
  /** How the key bar names the keys, e.g. `↑↓`. @default the key map's labels, joined by `/` */
  keyText?: string;
  /** The help screen's description. @default label */
  help?: string;
  /**
   * Where it shows: `bar` in the key bar and `?`; `optional` in the key bar
   * unless it is too narrow (the last ones go first); `help` in `?` only
   * (scrolling keys).
   * @default 'bar'
   */
  show?: 'bar' | 'optional' | 'help';
  /** Whether it acts now; a disabled binding is neither shown nor handled. @default true */
  enabled?: boolean;
  run(action: KeyAction): void;
}

const enabled = (b: Binding) => b.enabled !== false;

/** The bindings that act now, in their screen's order. */
export const activeBindings = (bindings: readonly Binding[]): Binding[] => bindings.filter(enabled);

/** Runs the enabled binding that answers `action`; false when none does (the key means nothing here). */
export function dispatchBinding(bindings: readonly Binding[], action: KeyAction): boolean {
  const binding = bindings.find((b) => enabled(b) && b.keys.includes(action));
  binding?.run(action);
  return binding !== undefined;
}

/** How the key bar names a binding's keys: `↑↓`, `Enter`, `? Esc q`. */
export const bindingKeys = (b: Binding): string => b.keyText ?? b.keys.map(keyLabel).join('/');

/**
 * `e`, `?` and `q`, the last keys of every screen's list. `e` only once a
 * deployment is on screen; on the fleet screen it is the fleet's log.
 */
export function commonBindings(core: TuiCore, state: UiState): Binding[] {
  const fleetScreen = core.fleet !== undefined && core.fleet.host === undefined;
  return [
    {
      keys: ['export'],
      label: 'export',
      help: fleetScreen
        ? "export the fleet's execution log (every host's)"
        : 'export the execution log',
      // Left out of a narrow key bar before the screen's own keys; `?` still lists it.
      show: 'optional',
      enabled: state.deployment !== undefined || fleetScreen,
      run: () => (fleetScreen ? exportFleetLog(core) : exportLog(core)),
    },
    {
      keys: ['help'],
      label: 'help',
      help: 'show or hide these keys',
      run: () => core.dispatch({ type: 'overlay', overlay: { kind: 'help' } }),
    },
    {
      keys: ['quit'],
      label: 'quit',
      help: 'quit (state is saved; resumable)',
      run: () => quit(core),
    },
  ];
}

/** Ctrl-C, heard everywhere, prompts included: the operator must always be able to leave. */
export function interruptBinding(core: TuiCore, state: UiState): Binding {
  return {
    keys: ['interrupt'],
    label: 'interrupt',
    help: 'interrupt (asks first while a step runs)',
    show: 'help',
    // A second Ctrl-C answers its own question: stop waiting, or leave the service down.
    run: () =>
      interrupt(
        core,
        (state.overlay?.kind === 'confirm' && state.overlay.intent === 'interrupt') ||
          state.overlay?.kind === 'down',
      ),
  };
}

/** The help screen's own keys: `?`, Esc or q close it. */
export function helpBindings(core: TuiCore): Binding[] {
  return [
    {
      keys: ['help', 'cancel', 'quit'],
      keyText: '? Esc q',
      label: 'close this help',
      run: () => core.dispatch({ type: 'close-overlay' }),
    },
  ];
}

/** Hosts the operator may still skip: not deployed yet, or stopped by a failure. */
const SKIPPABLE = ['waiting', 'held', 'failed'];

/**
 * `r` and `s` on one host of a fleet, named in the key bar ("retry web2").
 * They act on `now()`, the host selected when the key is read: keys typed
 * fast arrive together (`j` then `r`), before the bar is drawn again.
 */
function hostActions(
  core: TuiCore,
  shown: FleetHostView | undefined,
  now: () => FleetHostView | undefined,
): Binding[] {
  const name = shown?.host ?? '';
  const failed = (h: FleetHostView | undefined) => h?.status === 'failed';
  const skippable = (h: FleetHostView | undefined) =>
    h !== undefined && SKIPPABLE.includes(h.status);
  return [
    {
      keys: ['retry'],
      label: `retry ${name}`,
      help: `retry ${name}'s failed step`,
      enabled: failed(shown),
      run: () => {
        const host = now();
        if (failed(host)) void retryHost(core, host!.host);
      },
    },
    {
      keys: ['skip'],
      label: `skip ${name}`,
      help: `skip ${name}: it is not deployed (asks a reason)`,
      enabled: skippable(shown),
      run: () => {
        const host = now();
        if (skippable(host)) requestSkipHost(core, host!.host);
      },
    },
  ];
}

/**
 * The fleet screen's keys: move between hosts, open one, run the rollout,
 * and act on the selected host (`r`, `s`) or on the whole fleet (`R`: every
 * host that changed). The key bar names which.
 */
export function fleetBindings(
  core: TuiCore,
  state: UiState,
  view: FleetView,
  cursor: Cursor,
): Binding[] {
  const selected = view.hosts[cursor.index];
  const now = () => view.hosts[cursor.current()];
  const started = view.hosts.some((h) => h.status !== 'waiting');
  const canRollBack = !state.busy && view.status !== 'rolled_back' && changedHosts(view).length > 0;
  return [
    {
      keys: ['up', 'down'],
      keyText: '↑↓',
      label: 'host',
      help: 'select a host',
      show: 'optional',
      run: (action) => cursor.move(action === 'up' ? -1 : 1),
    },
    {
      keys: ['continue'],
      label: `open ${selected?.host ?? ''}`,
      short: 'open',
      help: "open the selected host's steps, Logs, Resources and Health",
      enabled: selected !== undefined,
      run: () => openHost(core, now()!.host),
    },
    {
      keys: ['runPhase'],
      label: started ? 'continue the rollout' : 'start the rollout',
      short: 'run',
      help: 'run the rollout (phase 1 everywhere, the canary, then each batch) until it ends or halts',
      enabled: !state.busy && (view.status === 'in_progress' || view.status === 'failed'),
      run: () => requestProceed(core, view),
    },
    ...hostActions(core, selected, now),
    {
      keys: ['rollback'],
      label: 'roll back every changed host',
      short: 'roll back all',
      help: 'roll back every host that changed, in reverse order (asks y to confirm)',
      enabled: canRollBack,
      run: () => requestFleetRollback(core, view),
    },
    ...commonBindings(core, state),
  ];
}

/** On a fleet host's phase screen: `Esc` back to the fleet; `r`, `s` and `R` act on that host alone. */
export function fleetHostBindings(
  core: TuiCore,
  view: FleetView,
  host: FleetHostView | undefined,
): Binding[] {
  const name = host?.host ?? '';
  return [
    {
      keys: ['cancel'],
      label: 'fleet',
      help: 'back to the fleet screen',
      run: () => backToFleet(core),
    },
    ...hostActions(core, host, () => host),
    {
      keys: ['rollback'],
      label: `roll back ${name}`,
      help: `roll back ${name} alone (asks y to confirm)`,
      enabled: host !== undefined && changedHosts(view).includes(host),
      run: () => requestFleetRollback(core, view, name),
    },
  ];
}
