import { Box } from 'ink';
import { changePreviewLines, type PreviewTone } from '../../engine/change-preview-lines.js';
import type { PreviewState } from '../app/state.js';
import { Text } from './Text.js';
import { color, type Tone } from './theme.js';

const TONES: Record<PreviewTone, Tone | undefined> = {
  plain: undefined,
  muted: 'muted',
  warn: 'warn',
  error: 'error',
};

export interface ChangePreviewPanelProps {
  /** Absent until the checklist has a deployment whose version can be previewed. */
  preview: PreviewState | undefined;
  /** The rows it may take: the lines beyond them (the commits first) are left out. */
  rows: number;
  width: number;
}

/**
 * What the deployment will change, above the checklist: the last thing an
 * operator reads before phase 1. Warnings come first and wrap (a downgrade's
 * must be read whole); every other line is one row, cut at the edge.
 */
export function ChangePreviewPanel({ preview, rows, width }: ChangePreviewPanelProps) {
  if (!preview) return null;
  if (!preview.preview)
    return (
      <Text color={color(preview.error ? 'error' : 'muted')} wrap="truncate-end">
        {preview.error
          ? `Change preview: unavailable (${preview.error})`
          : 'Change preview: reading the target…'}
      </Text>
    );
  const shown: ReturnType<typeof changePreviewLines> = [];
  let used = 0;
  for (const line of changePreviewLines(preview.preview, { width })) {
    const height = line.tone === 'error' ? Math.ceil(line.text.length / width) : 1;
    if (used + height > rows) break;
    shown.push(line);
    used += height;
  }
  return (
    <Box flexDirection="column" flexShrink={0}>
      {shown.map((line, i) => (
        <Text
          key={i}
          color={color(TONES[line.tone] ?? 'accent')}
          wrap={line.tone === 'error' ? 'wrap' : 'truncate-end'}
        >
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
