import { Box } from 'ink';
import { Text } from './Text.js';
import type { Binding } from '../app/bindings.js';
import { useBindings } from '../hooks/use-bindings.js';
import { KeyBar } from './KeyBar.js';
import { color } from './theme.js';

export interface ConfirmPromptProps {
  question: string;
  onYes: () => void;
  onNo: () => void;
  width: number;
}

/**
 * A yes/no question and its keys, from one binding list: `y` confirms; `n`
 * or Esc declines; any other key is ignored (Ctrl-C is App's).
 */
export function ConfirmPrompt({ question, onYes, onNo, width }: ConfirmPromptProps) {
  const bindings: Binding[] = [
    { keys: ['yes'], label: 'confirm', run: onYes },
    { keys: ['no', 'cancel'], keyText: 'n or Esc', label: 'cancel', run: onNo },
  ];
  useBindings(bindings, true);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color('warn')} bold>
          {question}
        </Text>{' '}
        (y/n)
      </Text>
      <KeyBar bindings={bindings} width={width} />
    </Box>
  );
}
