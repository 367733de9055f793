import type { TargetConfig } from '../config/types.js';
import { shq } from '../shell/quote.js';

/**
 * The only things cvd-tui ever does as root, each one fixed command line.
 * A sudoers rule matches a command and its arguments literally (FIELD-NOTES),
 * so every root action is its own `sudo -n` command, never a shell: the
 * sudoers fragment (`cvd-tui sudoers`) allows exactly these lines and no more.
 * Everything that touches the app's tree runs as the app user instead.
 */
export type RootAction = 'start' | 'stop' | 'daemon-reload' | 'install-unit';

export const ROOT_ACTIONS: readonly RootAction[] = [
  'stop',
  'start',
  'daemon-reload',
  'install-unit',
];

/**
 * The one path a unit file is installed from. The app user stages the file
 * to install here (2.4's `cvd.service.new`, R.5's backup) and root installs
 * it: one literal sudoers rule, where a rule naming the backup would need a
 * wildcard, and a wildcard also matches `../../etc/shadow`.
 */
export const unitStagingPath = (target: TargetConfig) =>
  `${target.paths.config}/cvd.service.install`;

/** The argument vector of a root action, exactly as the sudoers rule names it. */
export function rootArgv(target: TargetConfig, action: RootAction): string[] {
  switch (action) {
    case 'start':
    case 'stop':
      return [target.serviceCtl, action, target.serviceName];
    case 'daemon-reload':
      return [target.serviceCtl, 'daemon-reload'];
    case 'install-unit':
      return ['install', '-m', '0644', unitStagingPath(target), target.serviceUnitPath];
  }
}

/** A root action as a shell command: `sudo -n` and the fixed argument vector (plain when `useSudo` is off). */
export function asRoot(target: TargetConfig, action: RootAction): string {
  const command = rootArgv(target, action).map(shq).join(' ');
  return target.useSudo ? `sudo -n -- ${command}` : command;
}

/**
 * A command run as the app user, always in its own `bash -c`. As the app user
 * anything is allowed, a shell included, so pipelines and redirections stay
 * inside the app user's rights: a redirection written outside `asApp` would
 * run as the operator and fail in a 0750 tree. Without sudo it is the same
 * separate shell, so a target without sudo (the demo) runs what production
 * runs: no shell function or variable of the calling script reaches inside.
 * `args` are shell words (quoted or expanded by the caller) that become `$1`…:
 * values known only when the script runs, such as a loop's variable.
 */
export function asApp(target: TargetConfig, command: string, ...args: string[]): string {
  const shell = ['bash', '-c', shq(command), 'cvd-app', ...args].join(' ');
  return target.useSudo ? `sudo -n -u ${shq(target.appUser)} -- ${shell}` : shell;
}
