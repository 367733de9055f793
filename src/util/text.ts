// Control characters are exactly what these helpers look for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same, less tab and newline: what a block of text (a log, a script) may keep. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export const hasControlCharacters = (text: string): boolean =>
  new RegExp(CONTROL.source).test(text);

export interface InertOptions {
  /** Keep newlines and tabs (a block of lines); otherwise they are shown too (one line). @default false */
  lines?: boolean;
  /** The longest a line may be, in characters; a longer one is cut with a visible marker. @default Infinity */
  max?: number;
}

const visible = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

function cut(line: string, max: number): string {
  if (line.length <= max) return line;
  // Never leave half of a surrogate pair: it would print as a replacement character.
  const end = /[\uD800-\uDBFF]/.test(line.charAt(max - 1)) ? max - 1 : max;
  return `${line.slice(0, end)}… [cut: ${line.length - end} more characters]`;
}

/**
 * Text from the target, the app or a config file, made safe to print on a
 * terminal or in Markdown: every C0 control (but newline and tab, when
 * `lines`), DEL and C1 control is shown as `\x1b`, `\x07`, `\x9b`…, so no
 * escape sequence can act (set the window title, write the clipboard, clear
 * the screen, leave the alternate screen), while the operator still sees
 * that one was there. Lines longer than `max` are cut, and say so. The one
 * function every exit to a terminal or Markdown goes through; JSON and the
 * state database keep the exact text.
 */
export function inert(text: string, { lines = false, max = Infinity }: InertOptions = {}): string {
  const control = lines ? CONTROL_BUT_LAYOUT : CONTROL;
  // Most text has nothing to show or cut: it is returned as it is, uncopied (a screen renders often).
  if (text.length <= max && text.search(control) === -1) return text;
  if (!lines) return cut(text, max).replace(control, visible);
  // CRLF is a line end, not a stray carriage return to show.
  return text
    .split(/\r?\n/)
    .map((line) => cut(line, max).replace(control, visible))
    .join('\n');
}

/**
 * The longest line printed, on a screen or in a command's output: wider than
 * any terminal, longer than any line `--plan` shows of a valid config. A
 * longer one is cut before it is laid out or kept.
 */
export const LINE_MAX = 4096;

/** What a command prints to: a stream, or a test's stand-in. */
export interface TextOut {
  write(text: string): unknown;
}

/**
 * A stream that makes every write inert, lines kept and each cut at
 * LINE_MAX: the headless printer's and every command's way to the terminal.
 */
export const inertOut = (stream: TextOut): TextOut => ({
  write: (text) => stream.write(inert(text, { lines: true, max: LINE_MAX })),
});

/**
 * JSON for a file or a terminal: the exact text, with DEL and the C1 controls
 * escaped as `\u009b` too (JSON.stringify escapes only C0), so that printing
 * the JSON can no more act on a terminal than printing the Markdown.
 */
export const inertJson = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
  );

/** How much of a value an error message echoes: enough to recognise it, never a whole file. */
const MESSAGE_PREFIX = 80;

/** A value quoted in an error message: one line, inert, at most a short prefix. */
export const printable = (text: string): string => inert(text, { max: MESSAGE_PREFIX });
