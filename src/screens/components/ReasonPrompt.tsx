import { Box } from 'ink';
import { Text } from './Text.js';
import { color } from './theme.js';
import { TextInput } from './TextInput.js';

export interface ReasonPromptProps {
  prompt: string;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
  /** An empty answer is accepted: Enter on an empty line skips. @default false */
  optional?: boolean;
}

/** Asks for a reason (skip, red checklist item, abandon) or a note (issues): two lines, the question and the input. */
export function ReasonPrompt({ prompt, onSubmit, onCancel, optional = false }: ReasonPromptProps) {
  return (
    <Box flexDirection="column">
      <Text color={color('warn')} bold wrap="truncate-end">
        {prompt}{' '}
        <Text color={color('muted')}>
          {optional ? '(Enter to save; empty to skip)' : '(Enter to confirm, Esc to cancel)'}
        </Text>
      </Text>
      <TextInput onSubmit={onSubmit} onCancel={onCancel} allowEmpty={optional} />
    </Box>
  );
}
