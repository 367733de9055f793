import { Box } from 'ink';
import { Text } from './Text.js';
import type { ReactNode } from 'react';
import { color } from './theme.js';
import { fit } from './format.js';

const EDGES = {
  round: { left: '╭', line: '─', right: '╮', side: '│', bottomLeft: '╰', bottomRight: '╯' },
  bold: { left: '┏', line: '━', right: '┓', side: '┃', bottomLeft: '┗', bottomRight: '┛' },
} as const;

export interface PaneProps {
  title: string;
  /** Total width in columns, borders included. */
  width: number;
  /** Total height in rows, borders included. */
  height: number;
  /** The pane Tab has selected: heavy border (visible without color too). */
  focused?: boolean;
  children?: ReactNode;
}

/**
 * A bordered pane with its title in the top edge, as operators expect from
 * terminal dashboards. Ink has no border titles, so every edge is drawn here
 * as text and no Ink border is used: Ink 6.8 hands Yoga only the style props
 * that changed (reconciler `commitUpdate`), so a Box with `borderTop={false}`
 * whose `borderStyle` changes on focus gets its top border back in the
 * layout, and the pane's first line is lost (issue 13). Passing every border
 * prop on every render does not help: unchanged props are left out too.
 */
export function Pane({ title, width, height, focused = false, children }: PaneProps) {
  const edge = EDGES[focused ? 'bold' : 'round'];
  const label = fit(` ${title} `, Math.max(0, width - 4));
  const rest = Math.max(0, width - 3 - label.length);
  const tone = color(focused ? 'focus' : 'border');
  const rows = Math.max(0, height - 2);
  const side = (
    <Text color={tone} wrap="truncate">
      {Array.from({ length: rows }, () => edge.side).join('\n')}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={tone} wrap="truncate-end">
        {edge.left + edge.line}
        <Text bold color={focused ? tone : undefined}>
          {label}
        </Text>
        {edge.line.repeat(rest) + edge.right}
      </Text>
      <Box width={width} height={rows} flexShrink={0}>
        {side}
        <Box width={Math.max(0, width - 2)} height={rows} flexDirection="column" overflow="hidden">
          {children}
        </Box>
        {side}
      </Box>
      <Text color={tone} wrap="truncate">
        {edge.bottomLeft + edge.line.repeat(Math.max(0, width - 2)) + edge.bottomRight}
      </Text>
    </Box>
  );
}
