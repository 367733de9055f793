import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

/**
 * The whole screen, one row short of the terminal: Ink clears the entire
 * terminal on every frame whose output is as tall as the terminal, which
 * flickers; one row less lets it rewrite only what changed.
 */
export function Frame({ children }: { children: ReactNode }) {
  const { columns, rows } = useTerminalSize();
  return (
    <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)} overflow="hidden">
      {children}
    </Box>
  );
}
