import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { InputError } from '../../src/util/exit.js';

const resume = (...more: string[]) => ['resume', '--headless', '--target', 'web', ...more];

describe('--skip-host and --reason', () => {
  it('go with resume --headless, the reason given', () => {
    expect(
      parseCli(resume('--skip-host', 'web2', '--reason', 'out of rotation')).options,
    ).toMatchObject({ skipHost: 'web2', reason: 'out of rotation' });
  });

  it('refuse a skip without a reason (exit 2), naming the flag', () => {
    for (const reason of [[], ['--reason', ' ']]) {
      const parse = () => parseCli(resume('--skip-host', 'web2', ...reason));
      expect(parse).toThrow(InputError);
      expect(parse).toThrow(/^--skip-host web2 needs --reason <text>/);
    }
  });

  it('refuse a reason alone, a reason of more than a line, and a skip outside resume --headless', () => {
    expect(() => parseCli(resume('--reason', 'why'))).toThrow(/--reason goes with --skip-host/);
    expect(() => parseCli(resume('--skip-host', 'web2', '--reason', 'a\nb'))).toThrow(
      /one line of text/,
    );
    for (const argv of [
      ['resume', '--target', 'web', '--skip-host', 'web2', '--reason', 'x'],
      ['deploy', '--headless', '--skip-host', 'web2', '--reason', 'x'],
    ])
      expect(() => parseCli(argv)).toThrow(/--skip-host goes with resume --headless/);
    expect(() => parseCli(resume('--skip-host', 'web 2', '--reason', 'x'))).toThrow(
      /must be a host of the fleet/,
    );
  });
});
