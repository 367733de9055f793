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
  | 'no'
  | 'previous'
  | 'next'
  | 'top'
  | 'bottom'
  | 'wrap'
  | 'follow'
  | 'search'
  | 'appLog';

/** One key of the key map: the intent it expresses and how it is named. */
export interface KeyMapEntry {
  action: KeyAction;
  /** How the help screen and key bar name the key. */
  label: string;
  matches: (input: string, key: Key) => boolean;
}

const char = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

/**
 * The one key map (DESIGN: Keys): which key means which intent. What an
 * intent does on a screen is that screen's binding (bindings.ts). Screens
 * never compare raw input: they ask `actionOf` and act on the intent. `R` and `A` are distinct from `r` and
 * `a`: the destructive and bulk actions need Shift.
 */
export const KEY_MAP: readonly KeyMapEntry[] = [
  {
    action: 'up',
    label: '↑/k',
    matches: (i, k) => k.upArrow || char('k')(i, k),
  },
  {
    action: 'down',
    label: '↓/j',
    matches: (i, k) => k.downArrow || char('j')(i, k),
  },
  {
    action: 'pageUp',
    label: 'PgUp',
    matches: (_i, k) => k.pageUp,
  },
  {
    action: 'pageDown',
    label: 'PgDn',
    matches: (_i, k) => k.pageDown,
  },
  {
    action: 'tick',
    label: 'Space',
    matches: char(' '),
  },
  {
    action: 'continue',
    label: 'Enter',
    // A line feed too: Enter typed while the terminal was still in line mode
    // (before Ink took it, under load) arrives as `\n`, which Ink does not call
    // `return`; dropped, the operator's Enter did nothing.
    matches: (i, k) => k.return || (i === '\n' && !k.meta),
  },
  { action: 'runPhase', label: 'A', matches: char('A') },
  { action: 'retry', label: 'r', matches: char('r') },
  { action: 'skip', label: 's', matches: char('s') },
  { action: 'rollback', label: 'R', matches: char('R') },
  {
    action: 'focusNext',
    label: 'Tab',
    matches: (_i, k) => k.tab && !k.shift,
  },
  { action: 'export', label: 'e', matches: char('e') },
  { action: 'help', label: '?', matches: char('?') },
  { action: 'quit', label: 'q', matches: char('q') },
  {
    action: 'interrupt',
    label: 'Ctrl-C',
    matches: (i, k) => k.ctrl && i === 'c',
  },
  {
    action: 'cancel',
    label: 'Esc',
    matches: (_i, k) => k.escape,
  },
  {
    action: 'yes',
    label: 'y',
    matches: (i, k) => !k.ctrl && (i === 'y' || i === 'Y'),
  },
  {
    action: 'no',
    label: 'n',
    matches: (i, k) => !k.ctrl && (i === 'n' || i === 'N'),
  },
  // The step view's attempts, and the Logs pane's reading keys (issue 13); `n` (no) is also "next match".
  { action: 'previous', label: '[/←', matches: (i, k) => k.leftArrow || char('[')(i, k) },
  { action: 'next', label: ']/→', matches: (i, k) => k.rightArrow || char(']')(i, k) },
  { action: 'top', label: 'g', matches: char('g') },
  { action: 'bottom', label: 'G', matches: char('G') },
  { action: 'wrap', label: 'w', matches: char('w') },
  { action: 'follow', label: 'f', matches: char('f') },
  { action: 'search', label: '/', matches: char('/') },
  { action: 'appLog', label: 'l', matches: char('l') },
];

/** The intent of one key press, or undefined when it means nothing. */
export function actionOf(input: string, key: Key): KeyAction | undefined {
  return KEY_MAP.find((b) => b.matches(input, key))?.action;
}

/** The label of an action's key, for key bars and hints. */
export function keyLabel(action: KeyAction): string {
  return KEY_MAP.find((b) => b.action === action)?.label ?? action;
}
