import { Text } from './Text.js';
import type { WindowRow } from './line-window.js';
import { color } from './theme.js';

/** One row of the Logs pane or a step's output: notes bold, facts and error.log quiet, errors highlighted. */
function Row({ row, match }: { row: WindowRow; match: boolean }) {
  const { line, text } = row;
  if (line.source === 'note')
    return (
      <Text wrap="truncate-end" bold color={color(line.error ? 'error' : 'accent')} inverse={match}>
        {text}
      </Text>
    );
  const tone = line.error
    ? color('error')
    : line.source === 'log' || line.source === 'fact'
      ? color('muted')
      : undefined;
  return (
    <Text wrap="truncate-end" color={tone} bold={line.error} inverse={match}>
      {text}
    </Text>
  );
}

export interface LineViewProps {
  rows: readonly WindowRow[];
  /** The seq of the search match to highlight. */
  match?: number;
  /** Shown when there are no rows. */
  empty: string;
}

/** Rows of output as windowRows cut them. */
export function LineView({ rows, match, empty }: LineViewProps) {
  if (!rows.length) return <Text color={color('muted')}>{empty}</Text>;
  return (
    <>
      {rows.map((row) => (
        <Row key={row.key} row={row} match={row.line.seq === match} />
      ))}
    </>
  );
}
