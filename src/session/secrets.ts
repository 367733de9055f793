import { execFile } from 'node:child_process';
import type { TargetConfig } from '../config/types.js';
import type { StepContext } from '../steps/types.js';
import { InputError } from '../util/exit.js';
import { printable } from '../util/text.js';

export type Secrets = StepContext['secrets'];

/** How long testPasswordCommand may take (a password manager unlocking). */
export const PASSWORD_COMMAND_TIMEOUT_MS = 30_000;

/** Secrets come from the environment (or a command or a prompt), never from the config file or the state store. */
export function secretsFromEnv(env = process.env): Secrets {
  return { testPassword: env.CVD_TUI_TEST_PASSWORD || undefined };
}

/** Where 3.3's password will come from, said without getting it (`--plan`). */
export function passwordSource(
  target: Pick<TargetConfig, 'testPasswordCommand'>,
  env = process.env,
): 'env' | 'command' | undefined {
  if (env.CVD_TUI_TEST_PASSWORD) return 'env';
  return target.testPasswordCommand ? 'command' : undefined;
}

/**
 * 3.3's login password, in this order: `CVD_TUI_TEST_PASSWORD`; else the
 * target's `testPasswordCommand` (run locally, like a git credential helper:
 * its stdout, one trailing newline dropped); else, for an interactive run
 * only (stdin a TTY), asked without echo. Call it before Ink mounts: two
 * readers of stdin lose keys. None (blank answer, headless): 3.3 does not
 * test the login. Never stored: it lives in this process only.
 */
export async function resolveSecrets(
  target: Pick<TargetConfig, 'testPasswordCommand' | 'functionalTestUser'>,
  { interactive }: { interactive: boolean },
  env = process.env,
  isTty = Boolean(process.stdin.isTTY),
): Promise<Secrets> {
  const fromEnv = secretsFromEnv(env);
  if (fromEnv.testPassword) return fromEnv;
  if (target.testPasswordCommand)
    return { testPassword: await passwordFromCommand(target.testPasswordCommand) };
  if (!interactive || !isTty) return fromEnv;
  const { password } = await import('@inquirer/prompts');
  const answer = await password({
    message: `Password of ${target.functionalTestUser} for 3.3's login test (blank: skip it; or set CVD_TUI_TEST_PASSWORD or testPasswordCommand)`,
    mask: '*',
  });
  return { testPassword: answer || undefined };
}

/** Runs testPasswordCommand through sh; its stdout is the password. Fails with what to do, never with the output. */
function passwordFromCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { timeout: PASSWORD_COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => {
        const password = stdout.replace(/\r?\n$/, '');
        if (!error && password) return resolve(password);
        const why = !error
          ? 'printed nothing'
          : error.killed
            ? `did not finish within ${PASSWORD_COMMAND_TIMEOUT_MS / 1000} s`
            : `failed (${typeof error.code === 'number' ? `exit ${error.code}` : String(error.code ?? error.signal)})`;
        const said = stderr.trim().split('\n').at(-1);
        reject(
          new InputError(
            `testPasswordCommand ${why}${said ? `: ${printable(said)}` : ''}. ` +
              'Fix the command in the target config, set CVD_TUI_TEST_PASSWORD, or remove testPasswordCommand to be asked for the password.',
          ),
        );
      },
    );
  });
}
