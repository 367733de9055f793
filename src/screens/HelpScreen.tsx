import { Box } from 'ink';
import { Text } from './components/Text.js';
import { Frame } from './components/Frame.js';
import { KEY_BINDINGS } from './app/keys.js';
import { color } from './components/theme.js';

/** Every key (DESIGN: Keys), from the one key map. `?`, Esc or q closes it. */
export function HelpScreen() {
  const width = Math.max(...KEY_BINDINGS.map((b) => b.label.length)) + 2;
  return (
    <Frame>
      <Text bold color={color('accent')}>
        cvd-tui keys
      </Text>
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {KEY_BINDINGS.filter((b) => !['yes', 'no'].includes(b.action)).map((b) => (
          <Text key={b.action} wrap="truncate-end">
            <Text bold>{b.label.padEnd(width)}</Text>
            {b.help}
          </Text>
        ))}
      </Box>
      <Text color={color('muted')}>? Esc or q: close this help</Text>
    </Frame>
  );
}
