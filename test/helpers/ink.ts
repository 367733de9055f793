/**
 * The one ink-testing-library helper (STYLE: Tests). Keys go one per
 * stdin.write inside act() — several characters in one write arrive as a
 * paste — and every wait polls the frame instead of sleeping a guessed time.
 * Frames are compared without ANSI codes.
 */
import { render } from 'ink-testing-library';
import { act, type ReactElement } from 'react';

// React checks this global to know that updates are driven through act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Raw key sequences, as a terminal sends them. */
export const KEY = {
  enter: '\r',
  space: ' ',
  tab: '\t',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  pageUp: '\u001b[5~',
  backspace: '\u007f',
  ctrlC: '\u0003',
  /** Clears a text input (a pre-filled draft). */
  ctrlU: '\u0015',
} as const;

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with a control character
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

export interface TestScreen {
  /** The last frame, without ANSI codes. */
  frame(): string;
  /** The last frame as written, with ANSI codes (for color checks). */
  rawFrame(): string;
  /** Sends each key in its own write, inside act(). */
  press(...keys: string[]): Promise<void>;
  /** Types text one character per write (a reason). */
  type(text: string): Promise<void>;
  /** Polls until the frame contains `text` (or satisfies the predicate); returns that frame. */
  waitFor(
    expected: string | RegExp | ((frame: string) => boolean),
    timeoutMs?: number,
  ): Promise<string>;
  /** Sets the terminal size and emits 'resize', as a terminal does. */
  resize(columns: number, rows: number): Promise<void>;
  unmount(): Promise<void>;
}

/** Renders `tree` at `columns`×`rows` (ink-testing-library's stdout is 100 columns and has no rows of its own). */
export async function renderScreen(
  tree: ReactElement,
  size: { columns: number; rows: number } = { columns: 100, rows: 30 },
): Promise<TestScreen> {
  let instance!: ReturnType<typeof render>;
  await act(async () => {
    instance = render(tree);
  });
  const stdout = instance.stdout as unknown as NodeJS.WriteStream;
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
  };
  setSize(size.columns, size.rows);
  await act(async () => {
    stdout.emit('resize');
  });
  const rawFrame = () => instance.lastFrame() ?? '';
  const frame = () => stripAnsi(rawFrame());
  const screen: TestScreen = {
    frame,
    rawFrame,
    async press(...keys) {
      for (const key of keys)
        await act(async () => {
          instance.stdin.write(key);
        });
    },
    async type(text) {
      await screen.press(...text);
    },
    async waitFor(expected, timeoutMs = 15_000) {
      const ok =
        typeof expected === 'function'
          ? expected
          : (f: string) => (typeof expected === 'string' ? f.includes(expected) : expected.test(f));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (ok(current)) return current;
        if (Date.now() > deadline)
          throw new Error(
            `frame did not show ${String(expected)} within ${timeoutMs} ms; last frame:\n${current}`,
          );
        await act(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
        });
      }
    },
    async resize(columns, rows) {
      setSize(columns, rows);
      await act(async () => {
        stdout.emit('resize');
      });
    },
    async unmount() {
      await act(async () => {
        instance.unmount();
      });
    },
  };
  return screen;
}
