/**
 * Doctor's sudo rows: each rule of `cvd-tui sudoers` probed on its own, so a
 * failure names the permission that is missing and its hint is the line to
 * add. Nothing is run as root: `sudo -n -l CMD…` only asks whether that exact
 * command line is allowed, and when some rule allows root with a password,
 * the verbose listing (`sudo -n -ll`) says whether it is allowed without one.
 */
import type { TargetConfig } from '../config/types.js';
import { ROOT_ACTIONS, rootArgv } from '../steps/privilege.js';
import type { Facts } from '../steps/types.js';
import { targetShell } from '../steps/shell.js';
import { resolutionScript, resolvedCommands } from '../sudoers/commands.js';
import { sudoersRules, type SudoersRule } from '../sudoers/fragment.js';
import { sh, shq } from '../shell/quote.js';
import { hasPasswordRootRule, parseSudoListing, passwordlessAsRoot } from './sudo-listing.js';
import { fail, pass, type CheckResult, type RemoteCheck } from './types.js';

const rootKey = (i: number) => `sudoRoot${i}`;

function probes(target: TargetConfig): string[] {
  return [
    // As the app user anything is allowed: running `true` proves it, with no effect.
    sh`sudo -n -u ${target.appUser} -- true 2>/dev/null && fact sudoApp ok`,
    // The argument vector exactly as the steps run it: sudo resolves the program as it will then.
    ...ROOT_ACTIONS.map(
      (action, i) =>
        `sudo -n -l -- ${rootArgv(target, action).map(shq).join(' ')} >/dev/null 2>&1 && fact ${rootKey(i)} ok`,
    ),
    // The verbose listing says which rules need a password (sudo-listing.ts).
    'sudo -n -ll 2>/dev/null || true',
  ];
}

export const sudoCheck: RemoteCheck = {
  script: (target) =>
    targetShell(target).script(
      ...(target.useSudo ? [...resolutionScript(target), ...probes(target)] : []),
      'fact login "$(id -un)"',
      'fact uid "$(id -u)"',
    ),
  judge: (facts, target, output) =>
    target.useSudo ? judgeRules(facts, target, output) : [judgeNoSudo(facts, target)],
};

function judgeNoSudo(facts: Facts, target: TargetConfig): CheckResult {
  const name = 'app user';
  return facts.login === target.appUser
    ? { name, ...pass(`useSudo is false: commands run as ${facts.login}, the app user`) }
    : {
        name,
        ...fail(
          `useSudo is false, but commands run as ${facts.login ?? '?'}, not ${target.appUser}`,
          `connect as ${target.appUser}, or set useSudo: true`,
        ),
      };
}

function judgeRules(facts: Facts, target: TargetConfig, output: string): CheckResult[] {
  // Unknown when the script did not run; the lines then say OPERATOR.
  const login = facts.login || 'OPERATOR';
  const [asApp, ...asRoot] = sudoersRules(target, login, resolvedCommands(facts, target));
  const listing = parseSudoListing(output);
  // root is never asked for a password, whatever its rules say.
  const ambiguous = facts.uid !== '0' && hasPasswordRootRule(listing);
  const rootAllowed = (i: number): Allowed => {
    if (!facts[rootKey(i)]) return 'no';
    if (!ambiguous) return 'yes';
    return passwordlessAsRoot(listing, rootArgv(target, ROOT_ACTIONS[i]!))
      ? 'yes'
      : 'with a password';
  };
  return [
    judgeRule(`sudo -u ${target.appUser}`, asApp!, facts.sudoApp ? 'yes' : 'no', login),
    ...asRoot.map((rule, i) => judgeRule(`sudo: ${rule.label}`, rule, rootAllowed(i), login)),
  ];
}

/** `with a password`: allowed, but `sudo -n` would be refused. */
type Allowed = 'yes' | 'no' | 'with a password';

function judgeRule(name: string, rule: SudoersRule, allowed: Allowed, login: string): CheckResult {
  const as = rule.action ? 'as root' : rule.label;
  const what = rule.action ? `${rule.label} ${as}` : `commands ${as}`;
  if (allowed === 'yes') return { name, ...pass(`${login} may run ${what} without a password`) };
  return {
    name,
    ...fail(
      allowed === 'no'
        ? `${login} may not run ${what} without a password`
        : `${login} may run ${what} only with a password, and cvd-tui never asks for one (sudo -n)`,
      rule.line
        ? `add to /etc/sudoers.d (cvd-tui sudoers prints the whole fragment): ${rule.line}`
        : `${rule.label.split(' ')[0]} is not on the target: install it` +
            (rule.action === 'install-unit' ? '' : ', or set serviceCtl to its absolute path'),
    ),
  };
}
