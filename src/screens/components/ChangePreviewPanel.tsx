import { Box } from 'ink';
import {
  changePreviewLines,
  type PreviewLine,
  type PreviewTone,
} from '../../engine/change-preview-lines.js';
import type { PreviewState } from '../app/state.js';
import { Text } from './Text.js';
import { color, type Tone } from './theme.js';

const TONES: Record<PreviewTone, Tone | undefined> = {
  plain: undefined,
  muted: 'muted',
  warn: 'warn',
  error: 'error',
};

const URGENT: ReadonlySet<PreviewTone> = new Set(['error', 'warn']);

/**
 * The lines that fit in `rows`, in their order: the title and the warnings
 * first (an error wraps when it has the rows, else it is cut), then the
 * others as long as there is room.
 */
export function fitRows(
  lines: readonly PreviewLine[],
  rows: number,
  width: number,
): (PreviewLine & { wrap: boolean })[] {
  // Words wrap, not characters: a margin keeps the estimate from coming up a row short.
  const height = (l: PreviewLine) => Math.max(1, Math.ceil([...l.text].length / (width - 8)));
  const kept = new Map<PreviewLine, boolean>();
  let left = rows;
  const take = (l: PreviewLine) => {
    if (left <= 0) return;
    const wrap = l.tone === 'error' && height(l) <= left;
    kept.set(l, wrap);
    left -= wrap ? height(l) : 1;
  };
  lines.slice(0, 1).forEach(take);
  lines
    .slice(1)
    .filter((l) => URGENT.has(l.tone))
    .forEach(take);
  lines
    .slice(1)
    .filter((l) => !URGENT.has(l.tone))
    .forEach(take);
  return lines.filter((l) => kept.has(l)).map((l) => ({ ...l, wrap: kept.get(l)! }));
}

export interface ChangePreviewPanelProps {
  /** Absent until the checklist has a deployment whose version can be previewed. */
  preview: PreviewState | undefined;
  /** The rows it may take: the lines beyond them (the commits first) are left out. */
  rows: number;
  width: number;
}

/**
 * What the deployment will change, above the checklist: the last thing an
 * operator reads before phase 1, in the rows the checklist leaves (fitRows).
 * A fleet's: its first host's preview, named, and under its title the other
 * hosts whose preview differs (red when one would be downgraded across a migration).
 */
export function ChangePreviewPanel({ preview, rows, width }: ChangePreviewPanelProps) {
  if (!preview) return null;
  const { host, others } = preview;
  if (!preview.preview) {
    const on = host ? ` of ${host}` : '';
    return (
      <Box flexDirection="column" flexShrink={0}>
        <Text color={color(preview.error ? 'error' : 'muted')} wrap="truncate-end">
          {preview.error
            ? `Change preview${on}: unavailable (${preview.error})`
            : `Change preview${on}: reading the target…`}
        </Text>
        {others && (
          <Text color={color(TONES[others.tone] ?? 'accent')} wrap="truncate-end">
            {others.text}
          </Text>
        )}
      </Box>
    );
  }
  const lines = changePreviewLines(preview.preview, { width, host });
  if (others) lines.splice(1, 0, others);
  const shown = fitRows(lines, rows, width);
  return (
    <Box flexDirection="column" flexShrink={0}>
      {shown.map((line, i) => (
        <Text
          key={i}
          color={color(TONES[line.tone] ?? 'accent')}
          wrap={line.wrap ? 'wrap' : 'truncate-end'}
        >
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
