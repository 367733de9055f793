import type { StepContext } from '../steps/types.js';

/** Secrets come from the environment (or a prompt), never from the config file or the state store. */
export function secretsFromEnv(env = process.env): StepContext['secrets'] {
  return { testPassword: env.CVD_TUI_TEST_PASSWORD || undefined };
}
