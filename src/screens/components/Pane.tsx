import { Box } from 'ink';
import { Text } from './Text.js';
import type { ReactNode } from 'react';
import { color } from './theme.js';
import { fit } from './format.js';

const EDGES = {
  round: { left: '╭', line: '─', right: '╮' },
  bold: { left: '┏', line: '━', right: '┓' },
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
 * terminal dashboards. Ink has no border titles, so the top edge is drawn
 * here and the box below has no top border.
 */
export function Pane({ title, width, height, focused = false, children }: PaneProps) {
  const style = focused ? 'bold' : 'round';
  const edge = EDGES[style];
  const label = fit(` ${title} `, Math.max(0, width - 4));
  const rest = Math.max(0, width - 3 - label.length);
  const tone = color(focused ? 'focus' : 'border');
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={tone} wrap="truncate-end">
        {edge.left + edge.line}
        <Text bold color={focused ? tone : undefined}>
          {label}
        </Text>
        {edge.line.repeat(rest) + edge.right}
      </Text>
      <Box
        borderStyle={style}
        borderTop={false}
        borderColor={tone}
        width={width}
        height={Math.max(1, height - 1)}
        flexDirection="column"
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}
