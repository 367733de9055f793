import { Text } from './Text.js';
import { keyLabel, type KeyAction } from '../app/keys.js';
import { color } from './theme.js';

export interface KeyHint {
  action: KeyAction;
  /** What the key does here, e.g. `run 2.3`. */
  label: string;
  /** A shorter form for narrow terminals. */
  short?: string;
  /** Overrides the key map's label, e.g. `↑↓` for a hint that stands for up and down. */
  key?: string;
  /** Dropped first when the line is too narrow (`?` lists every key anyway). */
  optional?: boolean;
}

const keyOf = (h: KeyHint) => h.key ?? keyLabel(h.action);

/**
 * Joins hints as `Enter run 2.3 · A phase …`, falling back, to fit `width`,
 * to short labels, tighter spacing, without the optional hints, then keys only.
 */
export function keyBarText(hints: readonly KeyHint[], width: number): string {
  const full = (h: KeyHint) => `${keyOf(h)} ${h.label}`;
  const short = (h: KeyHint) => `${keyOf(h)} ${h.short ?? h.label}`;
  const forms = [
    hints.map(full).join(' · '),
    hints.map(short).join(' · '),
    hints.map(short).join('  '),
    hints
      .filter((h) => !h.optional)
      .map(short)
      .join('  '),
  ];
  return forms.find((text) => text.length <= width) ?? hints.map(keyOf).join(' ');
}

/** The keys that act on the current screen; `?` lists them all. */
export function KeyBar({ hints, width }: { hints: readonly KeyHint[]; width: number }) {
  return (
    <Text color={color('muted')} wrap="truncate-end">
      {keyBarText(hints, width)}
    </Text>
  );
}
