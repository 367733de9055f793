import { Box } from 'ink';
import { Text } from './Text.js';
import { Frame } from './Frame.js';
import { activeBindings, type Binding } from '../app/bindings.js';
import { keyLabel } from '../app/keys.js';
import { KeyBar } from './KeyBar.js';
import { color } from './theme.js';

/** Every key of a binding, as the key map names it: `↑/k ↓/j`. */
const keysOf = (b: Binding) => b.keys.map(keyLabel).join(' ');

export interface KeyHelpProps {
  /** The keys of the screen under the help; only the enabled ones are listed. */
  bindings: readonly Binding[];
  /** The help's own keys, shown at the bottom. */
  close: readonly Binding[];
  width: number;
}

/** `?`: the keys that work on the screen under it, from that screen's binding list. */
export function KeyHelp({ bindings, close, width }: KeyHelpProps) {
  const listed = activeBindings(bindings);
  const column = Math.max(...listed.map((b) => keysOf(b).length)) + 2;
  return (
    <Frame>
      <Text bold color={color('accent')}>
        cvd-tui keys
      </Text>
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {listed.map((b) => (
          <Text key={b.keys.join()} wrap="truncate-end">
            <Text bold>{keysOf(b).padEnd(column)}</Text>
            {b.help ?? b.label}
          </Text>
        ))}
      </Box>
      <KeyBar bindings={close} width={width} />
    </Frame>
  );
}
