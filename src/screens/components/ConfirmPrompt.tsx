import { Text } from './Text.js';
import { useKeys } from '../hooks/use-keys.js';
import { color } from './theme.js';

export interface ConfirmPromptProps {
  question: string;
  onYes: () => void;
  onNo: () => void;
  /** @default true */
  isActive?: boolean;
}

/** A yes/no question on the footer line: `y` confirms; `n` or Esc declines; any other key is ignored. */
export function ConfirmPrompt({ question, onYes, onNo, isActive = true }: ConfirmPromptProps) {
  useKeys((action) => {
    if (action === 'yes') onYes();
    else if (action === 'no' || action === 'cancel') onNo();
  }, isActive);
  return (
    <Text wrap="truncate-end">
      <Text color={color('warn')} bold>
        {question}
      </Text>{' '}
      (y/n)
    </Text>
  );
}
