import { Box } from 'ink';
import { describe, expect, it } from 'vitest';
import { Pane } from '../../src/screens/components/Pane.js';
import { Text } from '../../src/screens/components/Text.js';
import { renderScreen } from '../helpers/ink.js';

const HOSTILE = 'PWN \u001b]0;PWNED\u0007\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u009b31m';
const SHOWN = 'PWN \\x1b]0;PWNED\\x07\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x9b31m';

describe('the TUI Text', () => {
  it('shows escapes in every string it renders, nested or in a pane title; only its own colours reach the frame', async () => {
    const screen = await renderScreen(
      <Box flexDirection="column">
        <Pane title={HOSTILE} width={90} height={4}>
          <Text color="red">{HOSTILE}</Text>
          <Text>
            n={42} <Text bold>{HOSTILE}</Text>
          </Text>
        </Pane>
      </Box>,
    );
    const frame = screen.frame();
    expect(frame).toContain(`╭─ ${SHOWN} ─`);
    expect(frame).toContain(`│${SHOWN}`);
    expect(frame).toContain(`│n=42 ${SHOWN}`);
    // eslint-disable-next-line no-control-regex -- an escape that is not a colour is the point
    expect(screen.rawFrame()).not.toMatch(/\u001b(?!\[[\d;]*m)|[\u0007\u0080-\u009f]/);
    await screen.unmount();
  });
});
