/**
 * Whether a grapheme cluster may be an RGI emoji: every RGI emoji has a code
 * point with the Unicode Emoji property (the base of a keycap, flag, tag,
 * modifier or ZWJ sequence has it too), and none is one ASCII character
 * alone (a digit, `#` or `*` is text until FE0F and U+20E3 follow it).
 * False means surely not; true means ask `/^\p{RGI_Emoji}$/v`, whose first
 * use compiles a set of ~3,700 strings (~15–35 ms). scripts/bundle.js puts
 * this test in front of string-width's, so a frame of plain text with `·`
 * or `…` in it never pays for that compile; test/unit/emoji-prefilter.test.ts
 * checks it against the regex for every code point.
 */
export function mayBeEmoji(text) {
  return !(text.length === 1 && text.charCodeAt(0) < 0x80) && /\p{Emoji}/u.test(text);
}
