import { useInput } from 'ink';
import { Text } from './Text.js';
import { useState } from 'react';
import { color } from './theme.js';

export interface TextInputProps {
  /** Called with the trimmed text on Enter; empty text is not submitted unless `allowEmpty`. */
  onSubmit: (text: string) => void;
  /** Enter on an empty line submits `''` (an answer that may be skipped). @default false */
  allowEmpty?: boolean;
  /** Esc. */
  onCancel: () => void;
  /** @default 200 */
  maxLength?: number;
  /** @default true */
  isActive?: boolean;
  /** What the input starts with, to be edited (Backspace) or taken as it is. @default '' */
  initial?: string;
}

// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ESCAPE_SEQUENCE = /\u001b\[[0-9;]*[A-Za-z~]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Strips what a terminal could act on (escape sequences, control characters) from typed or pasted text. */
const printable = (input: string) => input.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');

/**
 * A one-line text input for reasons: type, Backspace, Ctrl-U, Enter, Esc. Small on
 * purpose (no cursor movement): a reason is a sentence, typed once.
 */
export function TextInput({
  onSubmit,
  allowEmpty = false,
  onCancel,
  maxLength = 200,
  isActive = true,
  initial = '',
}: TextInputProps) {
  const [value, setValue] = useState(initial);
  useInput(
    (input, key) => {
      if (key.escape) return onCancel();
      if (key.return) {
        if (value.trim() || allowEmpty) onSubmit(value.trim());
        return;
      }
      if (key.backspace || key.delete) return setValue((v) => v.slice(0, -1));
      // Ctrl-U, as in a shell: clears the line (a draft the operator would rather write anew).
      if (key.ctrl && input === 'u') return setValue('');
      if (
        key.ctrl ||
        key.meta ||
        key.tab ||
        key.upArrow ||
        key.downArrow ||
        key.leftArrow ||
        key.rightArrow
      )
        return;
      const text = printable(input);
      if (text) setValue((v) => (v + text).slice(0, maxLength));
    },
    { isActive },
  );
  // One row: a long value (a pre-filled draft) shows its end, where the typing happens.
  return (
    <Text wrap="truncate-start">
      <Text color={color('accent')}>› </Text>
      {value}
      <Text inverse> </Text>
    </Text>
  );
}
