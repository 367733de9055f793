/**
 * Hints print cvd-tui as the operator started it, and commands that only
 * read create nothing: run as a fresh non-root account whose HOME is empty,
 * `history`, `export`, `doctor`, `sudoers` and `--plan` leave HOME empty and
 * say what to do.
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeInvocation } from '../../src/util/invocation.js';
import { BIN, startCli } from '../helpers/cli.js';
import { addUser } from '../helpers/users.js';

describe('how cvd-tui names itself in hints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-invoked-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'pkg', 'bin', 'cvd-tui.js');
  mkdirSync(join(dir, 'pkg', 'bin'), { recursive: true });
  execFileSync('cp', [BIN, script]);
  chmodSync(script, 0o755);
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ PATH: '/usr/bin:/bin', ...extra });

  it('`node <script>`, relative to the working directory when under it, else absolute', () => {
    const argv = ['/usr/bin/node', script];
    expect(describeInvocation({ argv, env: env(), cwd: join(dir, 'pkg') })).toBe(
      'node bin/cvd-tui.js',
    );
    expect(describeInvocation({ argv, env: env(), cwd: '/' + 'elsewhere' })).toBe(`node ${script}`);
  });

  it('`cvd-tui` when PATH finds this script under that name (npm link, a global install)', () => {
    mkdirSync(join(dir, 'path'), { recursive: true });
    symlinkSync(script, join(dir, 'path', 'cvd-tui'));
    const argv = ['/usr/bin/node', join(dir, 'path', 'cvd-tui')];
    expect(
      describeInvocation({ argv, env: env({ PATH: `${join(dir, 'path')}:/usr/bin` }), cwd: '/' }),
    ).toBe('cvd-tui');
  });

  it('`npx cvd-tui` under npx; `cvd-tui` when loaded by anything else', () => {
    const argv = ['/usr/bin/node', script];
    const npx = (script: string) =>
      env({ npm_lifecycle_event: 'npx', npm_lifecycle_script: script });
    expect(describeInvocation({ argv, env: npx("'cvd-tui'"), cwd: '/' })).toBe('npx cvd-tui');
    // Started by something npx ran (a test runner): not npx's own cvd-tui.
    expect(describeInvocation({ argv, env: npx("'vitest' run"), cwd: join(dir, 'pkg') })).toBe(
      'node bin/cvd-tui.js',
    );
    expect(
      describeInvocation({ argv: ['/usr/bin/node', '/x/vitest.mjs'], env: env(), cwd: '/' }),
    ).toBe('cvd-tui');
  });
});

describe('read-only commands create nothing', () => {
  const user = `cvdro${process.pid % 100000}`;
  let removeUser: (() => void) | undefined;
  let home = '';
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'cvd-home-'));
    // runuser sets HOME from the account: the account's home is the empty directory.
    removeUser = addUser(user, ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh']);
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }));
    chownSync(home, uid, gid);
  });
  afterAll(() => {
    removeUser?.();
    rmSync(home, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    startCli(args, { XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' }, undefined, user).done;

  it.each([
    ['history'],
    ['export', '20250101_120000_ab12'],
    ['doctor'],
    ['sudoers'],
    ['deploy', '--plan', '--version', 'v1.0.1'],
  ])(
    '%s without --config: exit 2, says to run init or pass --config, HOME stays empty',
    async (...args) => {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${home}/.config/cvd-tui/config.json: does not exist`);
      expect(result.stderr).toMatch(
        /run `node \S*cvd-tui\.js init` to create a target, or pass --config/,
      );
      expect(readdirSync(home)).toEqual([]);
    },
  );

  it('history and --plan with a config but no state database: they read it as empty and create none', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'cvd-ro-')), 'cvd.json');
    writeFileSync(config, JSON.stringify({ targets: { t: { transport: 'local' } } }));
    chmodSync(dirname(config), 0o755);
    chmodSync(config, 0o644);
    try {
      const history = await run(['history', '--config', config]);
      expect(history).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ID\s+TARGET/) });
      const plan = await run(['deploy', '--plan', '--version', 'v1.0.1', '--config', config]);
      expect(plan).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('Plan: deploy v1.0.1'),
      });
      expect(readdirSync(home)).toEqual([]);
      expect(readdirSync(dirname(config))).toEqual(['cvd.json']);
    } finally {
      rmSync(dirname(config), { recursive: true, force: true });
    }
  });
});
