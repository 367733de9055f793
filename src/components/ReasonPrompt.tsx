import { Box, Text } from 'ink';
import { color } from '../tui/theme.js';
import { TextInput } from './TextInput.js';

export interface ReasonPromptProps {
  prompt: string;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}

/** Asks for a reason (skip, red checklist item, abandon): two lines, the question and the input. */
export function ReasonPrompt({ prompt, onSubmit, onCancel }: ReasonPromptProps) {
  return (
    <Box flexDirection="column">
      <Text color={color('warn')} bold wrap="truncate-end">
        {prompt} <Text color={color('muted')}>(Enter to confirm, Esc to cancel)</Text>
      </Text>
      <TextInput onSubmit={onSubmit} onCancel={onCancel} />
    </Box>
  );
}
