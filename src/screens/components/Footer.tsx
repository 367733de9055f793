import { Box } from 'ink';
import { Text } from './Text.js';
import { useTui } from '../app/context.js';
import type { Binding } from '../app/bindings.js';
import { color } from './theme.js';
import { KeyBar } from './KeyBar.js';

/** The footer's height: every screen reserves it (an open prompt takes the same rows). */
export const FOOTER_ROWS = 2;

/** Two lines at the bottom of a screen: the latest notice or what is running, then the screen's keys. */
export function Footer({ bindings, width }: { bindings: readonly Binding[]; width: number }) {
  const { state } = useTui();
  const notice = state.notice;
  return (
    <Box flexDirection="column" height={FOOTER_ROWS}>
      {notice ? (
        <Text
          color={color(notice.tone === 'ok' ? 'ok' : notice.tone === 'error' ? 'error' : 'info')}
          wrap="truncate-end"
        >
          {notice.text}
        </Text>
      ) : state.busy ? (
        <Text color={color('warn')} wrap="truncate-end">
          … {state.busy}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <KeyBar bindings={bindings} width={width} />
    </Box>
  );
}
