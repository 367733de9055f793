import { describe, expect, it } from 'vitest';
import { mayBeEmoji } from '../../scripts/emoji-prefilter.js';

/** string-width's own test, which the bundle asks only when mayBeEmoji says it might match (tsc targets ES2022, before the `v` flag). */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

describe("the bundle's emoji pre-test in front of string-width's RGI emoji regex", () => {
  it('lets through every code point the regex matches', () => {
    const missed: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const text = String.fromCodePoint(codePoint);
      if (RGI_EMOJI.test(text) && !mayBeEmoji(text)) missed.push(codePoint.toString(16));
    }
    expect(missed).toEqual([]);
  });

  it.each([
    ['a ZWJ family', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'],
    ['a flag', '\u{1F1E9}\u{1F1EA}'],
    ['a keycap', '#\uFE0F\u20E3'],
    ['a digit keycap', '1\uFE0F\u20E3'],
    ['a tag sequence', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'],
    ['a skin tone', '\u{1F44D}\u{1F3FD}'],
    ['a text-style heart made emoji', '\u2764\uFE0F'],
  ])('lets through %s', (_, text) => {
    expect(RGI_EMOJI.test(text)).toBe(true);
    expect(mayBeEmoji(text)).toBe(true);
  });

  it('rules out what the start screen draws, so its first frame never compiles the regex', () => {
    for (const text of [
      'a',
      'Z',
      '1',
      '#',
      '*',
      ' ',
      '·',
      '…',
      '▸',
      '─',
      '│',
      '╭',
      '↑',
      '↓',
      '✓',
      '▼',
    ])
      expect(mayBeEmoji(text), text).toBe(false);
  });
});
