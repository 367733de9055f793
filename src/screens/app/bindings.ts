import { interrupt, quit } from '../intents/exit.js';
import { exportLog } from '../intents/phase.js';
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

/** `e`, `?` and `q`, the last keys of every screen's list. `e` only once a deployment is on screen. */
export function commonBindings(core: TuiCore, state: UiState): Binding[] {
  return [
    {
      keys: ['export'],
      label: 'export',
      help: 'export the execution log',
      // Left out of a narrow key bar before the screen's own keys; `?` still lists it.
      show: 'optional',
      enabled: state.deployment !== undefined,
      run: () => exportLog(core),
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
