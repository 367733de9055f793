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
  /** A draft the input starts with, for the operator to edit. @default '' */
  draft?: string;
}

/** Room to type beyond a draft; without a draft, a reason's usual length. */
const TYPED_MAX = 200;

/** Asks for a reason (skip, red checklist item, abandon) or a note (issues): two lines, the question and the input. */
export function ReasonPrompt({
  prompt,
  onSubmit,
  onCancel,
  optional = false,
  draft = '',
}: ReasonPromptProps) {
  return (
    <Box flexDirection="column">
      <Text color={color('warn')} bold wrap="truncate-end">
        {prompt}{' '}
        <Text color={color('muted')}>
          {optional ? '(Enter to save; empty to skip)' : '(Enter to confirm, Esc to cancel)'}
          {draft ? ' · Ctrl-U clears the draft' : ''}
        </Text>
      </Text>
      <TextInput
        onSubmit={onSubmit}
        onCancel={onCancel}
        allowEmpty={optional}
        initial={draft}
        maxLength={draft.length + TYPED_MAX}
      />
    </Box>
  );
}
