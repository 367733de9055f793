import type { TargetConfig } from '../config/types.js';
import { shq } from '../shell/quote.js';

/** What running a command as the app user needs to know about a target. */
export type AppUserTarget = Pick<TargetConfig, 'useSudo' | 'appUser'>;

/**
 * The shell function `app`, which runs one command as the app user: the
 * journal lives in `paths.deployments`, inside the app
 * user's 0750 tree on a hardened host, where the operator can neither read
 * nor write; as the app user anything is allowed (privilege.ts), so no setup
 * beyond the sudoers fragment is needed. Umask 077 (sudo applies the union
 * of the caller's and its own): what the journal keeps, the nonce above all,
 * is for the app user's eyes only. `exec`, so `app cmd &` gives `$!` of the
 * command (or of sudo, which relays signals to it). Plain commands when
 * `useSudo` is off (the demo, whose operator owns the tree).
 */
export function appFunction(target: AppUserTarget): string {
  const run = target.useSudo ? `sudo -n -u ${shq(target.appUser)} -- "$@"` : '"$@"';
  return `app() { (umask 077 && exec ${run}); }`;
}
