/**
 * The terminal side of the questions: @inquirer/prompts. Used only before
 * Ink mounts (init, doctor, connecting): two readers of stdin lose keys (STYLE).
 */
import { userInfo } from 'node:os';
import type { HostTrustPolicy } from '../transport/trust.js';
import type { Asker } from './asker.js';
import { err } from '../util/out.js';

/** Loaded on first use: most runs never ask anything, and inquirer is a sizeable import. */
const inquirer = () => import('@inquirer/prompts');

export const inquirerAsker: Asker = {
  input: async (q) =>
    (await inquirer()).input({ message: q.message, default: q.default, validate: q.validate }),
  select: async (q) =>
    (await inquirer()).select({ message: q.message, choices: q.choices, default: q.default }),
  confirm: async (q) => (await inquirer()).confirm({ message: q.message, default: q.default }),
  secret: async (q) =>
    (await inquirer()).password({ message: q.message, mask: '*', validate: q.validate }),
};

/**
 * Asks whether to trust a host seen for the first time, showing its
 * fingerprint. The default is no: Enter alone must never trust a key.
 */
export const askTrust: NonNullable<HostTrustPolicy['ask']> = ({
  description,
  fingerprint,
  keyType,
}) =>
  inquirerAsker.confirm({
    message:
      `The host key of ${description} is not known.\n  ${keyType} ${fingerprint}\n` +
      "  Compare it with the server's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console). Trust it?",
    default: false,
  });

/**
 * The host-trust policy of one CLI run: `--trust-host-key` if given; else, in
 * a terminal and not --headless, a prompt showing the fingerprint. Every
 * command connects before any Ink screen mounts (src/screens/app/run.tsx opens the
 * transport first), so inquirer owns stdin when it asks; code that connects
 * while Ink is mounted must set an Ink prompt as `ask` instead. Headless runs
 * refuse unknown hosts.
 */
export function cliTrustPolicy(
  args: { options: { trustHostKey?: string; headless?: boolean; operator?: string } },
  isTty = Boolean(process.stdin.isTTY && process.stdout.isTTY),
): HostTrustPolicy {
  const { trustHostKey, headless, operator } = args.options;
  return {
    ...(trustHostKey ? { fingerprint: trustHostKey } : isTty && !headless ? { ask: askTrust } : {}),
    actor: operator ?? process.env.USER ?? userInfo().username,
    log: (line) => err.write(`cvd-tui: ${line}\n`),
  };
}
