/**
 * Colors by meaning, not by name. `NO_COLOR` (https://no-color.org: present
 * and not empty) turns every one off; chalk does not read it itself. Bold,
 * dim and inverse are kept: they are not color, and the focus and cursor
 * still need to show.
 */
const PALETTE = {
  ok: 'green',
  error: 'red',
  warn: 'yellow',
  info: 'cyan',
  accent: 'cyan',
  focus: 'cyan',
  border: 'gray',
  muted: 'gray',
} as const;

export type Tone = keyof typeof PALETTE;

export const colorless = (): boolean => Boolean(process.env.NO_COLOR);

/** The color for a meaning, or undefined under NO_COLOR. */
export function color(tone: Tone): string | undefined {
  return colorless() ? undefined : PALETTE[tone];
}

/** Status icons: they carry meaning without color too. */
export const ICONS = {
  succeeded: '✓',
  failed: '✗',
  running: '▶',
  skipped: '↷',
  pending: '○',
  partial: '◐',
} as const;

export const TONE_OF_STATUS: Record<keyof typeof ICONS, Tone | undefined> = {
  succeeded: 'ok',
  failed: 'error',
  running: 'warn',
  skipped: 'muted',
  pending: undefined,
  partial: 'info',
};
