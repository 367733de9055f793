/**
 * Whether the escape codes between two characters are none: their styles,
 * as @alcalzone/ansi-tokenize's styledCharsFromTokens gives them, are the
 * same codes in the same order. Ink's output turns every row of the screen
 * into a string with that library's styledCharsToString, which works this
 * out for each character with diffAnsiCodes (three Sets and four arrays),
 * ~15 ms of the first frame of 100 × 30 cells, mostly blank or of one
 * colour; scripts/bundle.js asks this first and skips the diff when it
 * holds. test/unit/unchanged-styles.test.ts checks that the diff of styles
 * it passes is always empty.
 *
 * @param {readonly { code: string; endCode: string }[]} from
 * @param {readonly { code: string; endCode: string }[]} to
 */
export function unchangedStyles(from, to) {
  if (from.length !== to.length) return false;
  for (let i = 0; i < from.length; i++)
    if (from[i].code !== to[i].code || from[i].endCode !== to[i].endCode) return false;
  return true;
}
