import { Text } from './Text.js';
import { useSyncExternalStore } from 'react';
import type { LineStore, LogLine } from '../stores/line-store.js';
import { color } from './theme.js';
import { Pane } from './Pane.js';

export interface LogsPaneProps {
  store: LineStore;
  width: number;
  height: number;
  focused: boolean;
  /** From useLogScroll: the seq of the bottom line, or null to follow the tail. */
  bottom: number | null;
}

/** The lines to show: a window over the ring's snapshot, never more than `rows`. */
export function windowOf(
  lines: readonly LogLine[],
  rows: number,
  bottom: number | null,
): { shown: readonly LogLine[]; above: number } {
  const first = lines[0]?.seq ?? 0;
  const end =
    bottom === null ? lines.length : Math.min(lines.length, Math.max(rows, bottom - first + 1));
  const start = Math.max(0, end - rows);
  return { shown: lines.slice(start, end), above: lines.length - end };
}

function LogRow({ line }: { line: LogLine }) {
  // An empty Text has no height in Ink's layout: a blank line needs a space to keep its row.
  const text = line.text || ' ';
  if (line.source === 'note')
    return (
      <Text wrap="truncate-end" bold color={color(line.error ? 'error' : 'accent')}>
        {text}
      </Text>
    );
  const tone = line.error
    ? color('error')
    : // Facts a step reports for cvd-tui: shown, but quietly.
      line.source === 'log' || line.source === 'fact'
      ? color('muted')
      : undefined;
  return (
    <Text wrap="truncate-end" color={tone} bold={line.error}>
      {line.source === 'log' ? 'error.log│ ' : ''}
      {text}
    </Text>
  );
}

/**
 * The Logs pane: step output, cvd-tui's notes and the live tail of the
 * target's error.log, interleaved as they arrived; error lines highlighted.
 * It renders only the rows it shows, from a snapshot published at most every
 * 75 ms (LineStore), so a flood of output costs a bounded amount of work.
 */
export function LogsPane({ store, width, height, focused, bottom }: LogsPaneProps) {
  const { lines } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const rows = Math.max(1, height - 2);
  const { shown, above } = windowOf(lines, rows, bottom);
  const title = bottom === null ? 'Logs' : `Logs (${above} newer below: ↓ to follow)`;
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      {shown.length ? (
        shown.map((line) => <LogRow key={line.seq} line={line} />)
      ) : (
        <Text color={color('muted')}>No output yet.</Text>
      )}
    </Pane>
  );
}
