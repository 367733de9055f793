import { describe, expect, it } from 'vitest';
import {
  ansiCodesToString,
  diffAnsiCodes,
  styledCharsFromTokens,
  tokenize,
} from '@alcalzone/ansi-tokenize';
import { unchangedStyles } from '../../scripts/unchanged-styles.js';

/** SGR codes as Ink's colours and text styles write them, opening and closing. */
const CODES = [
  '\x1b[1m',
  '\x1b[22m',
  '\x1b[2m',
  '\x1b[3m',
  '\x1b[23m',
  '\x1b[4m',
  '\x1b[24m',
  '\x1b[7m',
  '\x1b[27m',
  '\x1b[31m',
  '\x1b[32m',
  '\x1b[39m',
  '\x1b[42m',
  '\x1b[49m',
  '\x1b[90m',
  '\x1b[38;5;208m',
  '\x1b[48;2;10;20;30m',
  '\x1b[0m',
];

/** A row of text with escape codes between its characters, the same for the same seed. */
function row(seed: number): string {
  let text = '';
  for (let i = 0, n = seed; i < 60; i++) {
    n = (n * 1103515245 + 12345) % 2 ** 31;
    text += n % 3 === 0 ? CODES[n % CODES.length] : ' ab▸─·'[n % 6];
  }
  return text;
}

describe("the bundle's test in front of ansi-tokenize's style diff", () => {
  it('passes only styles whose diff is no codes at all', () => {
    const styles = Array.from({ length: 200 }, (_, seed) =>
      styledCharsFromTokens(tokenize(row(seed))).map((c) => c.styles),
    );
    let passed = 0;
    let failed = 0;
    for (const [r, line] of styles.entries())
      for (const [i, to] of line.entries()) {
        // Its neighbour in the row (what styledCharsToString diffs), and a character of another row.
        for (const from of [line[i - 1] ?? [], styles[(r * 7) % styles.length]![i] ?? []]) {
          if (!unchangedStyles(from, to)) {
            failed++;
            continue;
          }
          passed++;
          expect(ansiCodesToString(diffAnsiCodes(from, to))).toBe('');
        }
      }
    // Both answers were given often: the check above is not vacuous.
    expect(passed).toBeGreaterThan(1000);
    expect(failed).toBeGreaterThan(1000);
  });
});
