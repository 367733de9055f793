import { describe, expect, it } from 'vitest';
import { inert, inertJson, printable } from '../../src/util/text.js';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('inert text', () => {
  it('shows every C0 control, DEL and C1 control; keeps printable Unicode', () => {
    const all = Array.from({ length: 0xa0 }, (_, c) => String.fromCharCode(c)).join('');
    const shown = inert(`${all}é✓😀`);
    expect(shown).not.toMatch(RAW_CONTROL);
    expect(shown).not.toContain('\n');
    expect(shown.startsWith('\\x00\\x01')).toBe(true);
    expect(shown).toContain('\\x1f !"#');
    expect(shown).toContain('~\\x7f\\x80');
    expect(shown.endsWith('\\x9fé✓😀')).toBe(true);
  });

  it('a block keeps its newlines and tabs; a CRLF is a line end; one line shows them', () => {
    expect(inert('a\tb\r\nc\rd\n\u001b[2J', { lines: true })).toBe('a\tb\nc\\x0dd\n\\x1b[2J');
    expect(inert('a\tb\nc')).toBe('a\\x09b\\x0ac');
  });

  it('cuts each line with a visible marker, never half a surrogate pair', () => {
    expect(inert('abcdef\nxy', { lines: true, max: 4 })).toBe('abcd… [cut: 2 more characters]\nxy');
    expect(inert('abc😀', { max: 4 })).toBe('abc… [cut: 2 more characters]');
    expect(printable('x'.repeat(1000))).toBe(`${'x'.repeat(80)}… [cut: 920 more characters]`);
  });

  it('JSON keeps the exact text, with DEL and C1 escaped', () => {
    const value = { s: '\u001b]0;t\u0007 \u009b2J \u007f' };
    const json = inertJson(value);
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual(value);
  });
});
