/**
 * Code units each of which is a grapheme cluster of its own, whatever is
 * next to it (UAX #29: none is CR, Extend, ZWJ, SpacingMark, Prepend, a
 * regional indicator, a Hangul jamo or a surrogate): C0 controls but CR,
 * printable ASCII, DEL and C1 controls, Latin-1 to IPA and the spacing
 * modifiers, Greek, Cyrillic before its combining marks, and punctuation,
 * super- and subscripts, currency, letterlike symbols, arrows, maths,
 * technical symbols, box drawing, blocks, geometric shapes, dingbats and
 * Braille (U+2010–U+2BFF without the combining marks for symbols and
 * the invisible format characters). test/unit/grapheme-segmenter.test.ts
 * checks every one of them against Intl.Segmenter.
 */
const ONE_UNIT_CLUSTERS =
  // eslint-disable-next-line no-control-regex -- controls (ANSI's ESC) are clusters of their own
  /^[\0-\f\x0E-\u02FF\u0370-\u0482\u2010-\u2027\u2030-\u205F\u2070-\u20CF\u2100-\u2BFF]*$/;

/**
 * Intl.Segmenter's grapheme segmentation, for what the terminal libraries
 * (string-width, slice-ansi, ansi-tokenize) split into graphemes. The first
 * Intl.Segmenter a process makes builds ICU's tables of locales (~15–20 ms
 * here), before Ink's first frame. A string whose every code unit is a
 * cluster of its own (ONE_UNIT_CLUSTERS: ASCII and ANSI escapes, `·`, `…`,
 * `▸`, `─`, `✓`) is split here, as Intl.Segmenter would split it; any
 * other string goes to an Intl.Segmenter made on first need. scripts/bundle.js
 * makes those libraries construct this instead.
 */
export class GraphemeSegmenter {
  #locales;
  #options;
  /** @type {Intl.Segmenter | undefined} */
  #icu;

  /**
   * @param {string | string[] | undefined} [locales]
   * @param {Intl.SegmenterOptions} [options]
   */
  constructor(locales, options) {
    if (options?.granularity !== undefined && options.granularity !== 'grapheme')
      throw new RangeError('GraphemeSegmenter splits graphemes only');
    this.#locales = locales;
    this.#options = options;
  }

  /** @param {string} input */
  segment(input) {
    const text = String(input);
    if (!ONE_UNIT_CLUSTERS.test(text))
      return (this.#icu ??= new Intl.Segmenter(this.#locales, this.#options)).segment(text);
    const at = (/** @type {number} */ index) => ({ segment: text[index], index, input: text });
    return {
      /** The segment holding code unit `index` (Intl's rounding and range), as Intl.Segments does. */
      containing(index = 0) {
        const unit = Math.trunc(Number(index)) || 0;
        return unit >= 0 && unit < text.length ? at(unit) : undefined;
      },
      *[Symbol.iterator]() {
        for (let index = 0; index < text.length; index++) yield at(index);
      },
    };
  }
}
