import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { ConfigError, validateConfig } from '../../src/config/validate.js';
import { resolveSecrets } from '../../src/session/secrets.js';
import { InputError } from '../../src/util/exit.js';
import { functionalTests, LOGIN_NOT_TESTED } from '../../src/steps/phase3.js';
import type { StepContext } from '../../src/steps/types.js';

const target = (testPasswordCommand: string) =>
  withDefaults({ transport: 'local', testPasswordCommand });

/** Not a TTY, so nothing is ever asked here: a prompt would hang the test. */
const resolve = (command: string, env: NodeJS.ProcessEnv = {}, interactive = true) =>
  resolveSecrets(target(command), { interactive }, env, false);

describe("3.3's password: CVD_TUI_TEST_PASSWORD, then testPasswordCommand, then the prompt", () => {
  it("takes the command's stdout, one trailing newline dropped, and nothing else", async () => {
    expect(await resolve(`printf 'pw with spaces\\n'`)).toEqual({ testPassword: 'pw with spaces' });
    expect(await resolve(`printf 'a\\nb\\n\\n'`)).toEqual({ testPassword: 'a\nb\n' });
  });

  it('the environment wins: the command is not run', async () => {
    expect(await resolve('echo ran >&2; exit 3', { CVD_TUI_TEST_PASSWORD: 'from-env' })).toEqual({
      testPassword: 'from-env',
    });
  });

  it('no variable and no command: no password, headless or not a terminal (3.3 then does not test the login)', async () => {
    expect(await resolve('')).toEqual({ testPassword: undefined });
    expect(await resolve('', {}, false)).toEqual({ testPassword: undefined });
  });

  it('a failing, silent or hanging command is an error that says what to do, without its output', async () => {
    const failing = resolve('echo secret-out; echo "vault is locked" >&2; exit 4');
    await expect(failing).rejects.toThrow(InputError);
    await expect(failing).rejects.toThrow(
      /^testPasswordCommand failed \(exit 4\): vault is locked\. Fix the command in the target config, set CVD_TUI_TEST_PASSWORD, or remove testPasswordCommand/,
    );
    await expect(failing).rejects.not.toThrow(/secret-out/);
    await expect(resolve('true')).rejects.toThrow(/^testPasswordCommand printed nothing\./);
  });

  it('the config takes one line of shell, or "" for none', () => {
    const config = (value: unknown) => ({
      targets: { t: { transport: 'local', testPasswordCommand: value } },
    });
    expect(() => validateConfig(config('pass show cvd/test_user'), 'f')).not.toThrow();
    expect(() => validateConfig(config(''), 'f')).not.toThrow();
    expect(() => validateConfig(config('a\nb'), 'f')).toThrow(ConfigError);
    expect(() => validateConfig(config(7), 'f')).toThrow(/testPasswordCommand/);
  });
});

describe('a login not tested is said one way', () => {
  it("3.3's summary, output and checklist row all say it, and none says the login works", () => {
    const ctx: StepContext = {
      target: target(''),
      targetName: 'demo',
      operator: 'alice',
      deploymentId: '20261127_101500_ab12',
      startedAt: 0,
      version: 'v1.0.1',
      facts: {},
      secrets: {},
    };
    const script = functionalTests.script(ctx);
    expect(script).toContain(`echo "${LOGIN_NOT_TESTED}: set CVD_TUI_TEST_PASSWORD`);
    const verdict = functionalTests.verify(
      {
        exitCode: 0,
        output: '',
        facts: { loginCode: 'skipped', devicesCode: '200', planogramsCode: '200' },
      },
      ctx,
    );
    expect(verdict).toEqual({
      ok: true,
      summary: `${LOGIN_NOT_TESTED}; devices and planograms working`,
      warnings: [],
    });
    const row = functionalTests.verification.find((r) => r.label.startsWith('User login'))!;
    expect(
      row.check({ stepId: '3.3', facts: { loginCode: 'skipped' }, attempt: undefined }),
    ).toEqual({ verified: null, evidence: LOGIN_NOT_TESTED });
  });
});
