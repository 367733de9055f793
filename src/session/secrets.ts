import type { StepContext } from '../steps/types.js';

/** Secrets come from the environment (or a prompt), never from the config file or the state store. */
export function secretsFromEnv(env = process.env): StepContext['secrets'] {
  return { testPassword: env.CVD_TUI_TEST_PASSWORD || undefined };
}

/**
 * The environment's secrets, else, for an interactive run only (stdin a TTY,
 * not --headless), the 3.3 login password asked without echo. Call it
 * before Ink mounts: two readers of stdin lose keys. Blank: 3.3 skips the
 * login test, as with the variable unset.
 */
export async function secretsInteractive(
  options: { headless: boolean; functionalTestUser: string },
  env = process.env,
  isTty = Boolean(process.stdin.isTTY),
): Promise<StepContext['secrets']> {
  const secrets = secretsFromEnv(env);
  if (secrets.testPassword || options.headless || !isTty) return secrets;
  const { password } = await import('@inquirer/prompts');
  const answer = await password({
    message: `Password of ${options.functionalTestUser} for 3.3's login test (blank: skip it; or set CVD_TUI_TEST_PASSWORD)`,
    mask: '*',
  });
  return { testPassword: answer || undefined };
}
