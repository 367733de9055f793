import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { InputError } from '../../src/util/exit.js';

const ID = '20261127_220000_ab12';

describe('verify and --sign on the command line', () => {
  it('takes a bare --state as "check the state database", with or without a deployment id', () => {
    expect(parseCli(['verify', '--state'])).toMatchObject({
      id: undefined,
      file: undefined,
      options: { checkState: true },
    });
    expect(parseCli(['verify', '--state', ID])).toMatchObject({
      id: ID,
      file: undefined,
      options: { checkState: true },
    });
    expect(parseCli(['verify', '--state', '--config', 'c.json'])).toMatchObject({
      options: { checkState: true, config: 'c.json' },
    });
  });

  it('still reads --state FILE as the state database, which verify then checks', () => {
    expect(parseCli(['verify', '--state', '/var/db/state.db', ID])).toMatchObject({
      id: ID,
      options: { state: '/var/db/state.db', checkState: true },
    });
  });

  it('takes any other argument of verify as the log file to check', () => {
    expect(parseCli(['verify', 'log.json', '--allowed-signers', 'signers'])).toMatchObject({
      file: 'log.json',
      id: undefined,
      options: { allowedSigners: 'signers', checkState: false },
    });
  });

  it('keeps --state a file option everywhere else', () => {
    expect(() => parseCli(['history', '--state'])).toThrow(InputError);
  });

  it('refuses --sign without export --out: the signature goes beside a file', () => {
    expect(() => parseCli(['export', '--sign'])).toThrow(/--sign goes with export --out <file>/);
    expect(() => parseCli(['history', '--sign', '--out', 'x'])).toThrow(/--sign goes with export/);
    expect(parseCli(['export', '--sign', '--out', 'log.md']).options.sign).toBe(true);
  });
});
