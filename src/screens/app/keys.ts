import type { Key } from 'ink';

/** Every operator intent a key can express. */
export type KeyAction =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'tick'
  | 'continue'
  | 'runPhase'
  | 'retry'
  | 'skip'
  | 'rollback'
  | 'focusNext'
  | 'export'
  | 'help'
  | 'quit'
  | 'interrupt'
  | 'cancel'
  | 'yes'
  | 'no';

export interface KeyBinding {
  action: KeyAction;
  /** How the help screen and key bar name the key. */
  label: string;
  /** What it does, for the help screen. */
  help: string;
  matches: (input: string, key: Key) => boolean;
}

const char = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

/**
 * The one key map (DESIGN: Keys). Screens never compare raw input: they ask
 * `actionOf` and act on the intent. `R` and `A` are distinct from `r` and
 * `a`: the destructive and bulk actions need Shift.
 */
export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    action: 'up',
    label: '↑/k',
    help: 'move up (scroll the Logs pane when it has focus)',
    matches: (i, k) => k.upArrow || char('k')(i, k),
  },
  {
    action: 'down',
    label: '↓/j',
    help: 'move down',
    matches: (i, k) => k.downArrow || char('j')(i, k),
  },
  {
    action: 'pageUp',
    label: 'PgUp',
    help: 'scroll the Logs pane a page up',
    matches: (_i, k) => k.pageUp,
  },
  {
    action: 'pageDown',
    label: 'PgDn',
    help: 'scroll the Logs pane a page down',
    matches: (_i, k) => k.pageDown,
  },
  {
    action: 'tick',
    label: 'Space',
    help: 'tick or untick the item under the cursor',
    matches: char(' '),
  },
  {
    action: 'continue',
    label: 'Enter',
    help: 'continue / run the next step',
    matches: (_i, k) => k.return,
  },
  { action: 'runPhase', label: 'A', help: 'run the rest of the phase', matches: char('A') },
  { action: 'retry', label: 'r', help: 'retry the failed step', matches: char('r') },
  { action: 'skip', label: 's', help: 'skip the next step (asks a reason)', matches: char('s') },
  { action: 'rollback', label: 'R', help: 'roll back (asks y to confirm)', matches: char('R') },
  {
    action: 'focusNext',
    label: 'Tab',
    help: 'focus the next pane (Logs, Resources, Health)',
    matches: (_i, k) => k.tab && !k.shift,
  },
  { action: 'export', label: 'e', help: 'export the execution log', matches: char('e') },
  { action: 'help', label: '?', help: 'show or hide these keys', matches: char('?') },
  { action: 'quit', label: 'q', help: 'quit (state is saved; resumable)', matches: char('q') },
  {
    action: 'interrupt',
    label: 'Ctrl-C',
    help: 'interrupt (asks first while a step runs)',
    matches: (i, k) => k.ctrl && i === 'c',
  },
  {
    action: 'cancel',
    label: 'Esc',
    help: 'cancel a prompt; leave the Monitor screen',
    matches: (_i, k) => k.escape,
  },
  {
    action: 'yes',
    label: 'y',
    help: 'confirm',
    matches: (i, k) => !k.ctrl && (i === 'y' || i === 'Y'),
  },
  {
    action: 'no',
    label: 'n',
    help: 'decline',
    matches: (i, k) => !k.ctrl && (i === 'n' || i === 'N'),
  },
];

/** The intent of one key press, or undefined when it means nothing. */
export function actionOf(input: string, key: Key): KeyAction | undefined {
  return KEY_BINDINGS.find((b) => b.matches(input, key))?.action;
}

/** The label of an action's key, for key bars and hints. */
export function keyLabel(action: KeyAction): string {
  return KEY_BINDINGS.find((b) => b.action === action)?.label ?? action;
}
