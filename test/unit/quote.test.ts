import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sh, shq } from '../../src/shell/quote.js';

const HOSTILE = [
  '',
  "'",
  "''",
  `"'"'"`,
  '$(touch /tmp/pwned)',
  '`id`',
  'a;b',
  'a && b',
  'a | b',
  'a\nb',
  'a\r\nb',
  '-rf',
  '--upload-pack=evil',
  '../../etc/passwd',
  '$HOME ${HOME} $((1+1))',
  '\\',
  "\\'",
  '!!',
  '*',
  '~',
  '#comment',
  'tab\there',
  'ünïcödé ⁄ ∕ ＄(id)',
  '\u202eevil',
  'x'.repeat(10_000),
];

/** A seeded generator, so a failure reproduces. */
function* randomStrings(count: number, seed = 42): Generator<string> {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff), state);
  const alphabet = [...'abc \'"`$(){};|&<>\\\n\t*?[]!#~-=%^'];
  for (let i = 0; i < count; i++) {
    const length = next() % 40;
    yield Array.from({ length }, () =>
      next() % 7 === 0
        ? String.fromCodePoint(0x80 + (next() % 2000))
        : alphabet[next() % alphabet.length],
    ).join('');
  }
}

/** What a real POSIX shell makes of the quoted word. */
const throughShell = (values: string[]) =>
  execFileSync(
    'sh',
    ['-c', `for v in ${values.map(shq).join(' ')}; do printf '%s\\0' "$v"; done`],
    { encoding: 'utf8' },
  )
    .split('\0')
    .slice(0, -1);

describe('shq', () => {
  it('round-trips hostile strings through a real sh -c unchanged', () => {
    expect(throughShell(HOSTILE)).toEqual(HOSTILE);
  });

  it('round-trips 500 random strings through a real sh -c unchanged', () => {
    const values = [...randomStrings(500)];
    expect(throughShell(values)).toEqual(values);
  });

  it('refuses NUL, which no shell argument can carry', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });

  it('sh quotes every interpolated value and leaves the template literal as code', () => {
    expect(sh`git checkout ${'$(reboot)'} -- ${"it's"}`).toBe(
      `git checkout '$(reboot)' -- 'it'\\''s'`,
    );
    expect(
      execFileSync('bash', ['-c', sh`printf %s ${'a;b && $(id)'}`], { encoding: 'utf8' }),
    ).toBe('a;b && $(id)');
  });
});
