import { describe, expect, it } from 'vitest';
import { GraphemeSegmenter } from '../../scripts/grapheme-segmenter.js';

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const split = (segments: Intl.Segments) => [...segments].map((s) => ({ ...s }));

/** Every BMP code unit the segmenter splits without ICU (a string of it alone is not handed on). */
function splitHere(): number[] {
  const units: number[] = [];
  for (let unit = 0; unit <= 0xffff; unit++) {
    const text = String.fromCharCode(unit);
    const segments = new GraphemeSegmenter().segment(text);
    if (Object.getPrototypeOf(segments) === Object.prototype) units.push(unit);
  }
  return units;
}

describe("the bundle's grapheme segmenter in front of Intl.Segmenter", () => {
  const own = splitHere();

  it('splits a frame of the start screen itself', () => {
    for (const unit of ['a', '\x1b', '\n', '·', '…', '▸', '─', '│', '╭', '↑', '↓', '✓', '→', '⚠'])
      expect(own, unit).toContain(unit.charCodeAt(0));
  });

  it('splits itself only code units that Intl.Segmenter never joins to a neighbour', () => {
    const joined: string[] = [];
    for (const unit of own) {
      const c = String.fromCharCode(unit);
      for (const pair of [`a${c}`, `${c}a`, `${c}${c}`, `\u0915${c}`, `${c}\u0915`])
        if ([...icu.segment(pair)].length !== 2) joined.push(unit.toString(16));
    }
    expect(joined).toEqual([]);
  });

  it('splits as Intl.Segmenter does, with the same segments and containing()', () => {
    const pick = (n: number) => String.fromCharCode(own[(n * 2654435761) % own.length]!);
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: n % 40 }, (_, i) => pick(n * 40 + i)).join('');
      const ours = new GraphemeSegmenter().segment(text);
      const theirs = icu.segment(text);
      expect(split(ours)).toEqual(split(theirs));
      for (const index of [-1, 0, 0.5, text.length - 1, text.length, NaN])
        expect(ours.containing(index)).toEqual(theirs.containing(index));
    }
  });

  it.each([
    ['a combining accent', 'e\u0301'],
    ['CR LF', 'a\r\nb'],
    ['an emoji with its presentation selector', '\u2764\uFE0F'],
    ['a ZWJ family', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'],
    ['a flag', '\u{1F1E9}\u{1F1EA}'],
    ['Hangul jamo', '\u1100\u1161\u11A8'],
    ['a Devanagari conjunct', '\u0915\u094D\u0937'],
    ['Thai with SARA AM', '\u0E01\u0E33'],
  ])('hands %s to Intl.Segmenter', (_, text) => {
    const ours = new GraphemeSegmenter().segment(text);
    expect(Object.getPrototypeOf(ours)).not.toBe(Object.prototype);
    expect(split(ours)).toEqual(split(icu.segment(text)));
  });
});
