import { fetchSudoersFragment } from '../../sudoers/fetch.js';
import { TransportRefused } from '../../transport/types.js';
import { err, out } from '../../util/out.js';
import { targetOf } from '../../session/target.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { errorMessage } from '../../util/error.js';

/**
 * `sudoers [--target T]`: prints the fragment the target's operator needs
 * (for /etc/sudoers.d). Read-only on the target; needs no state database.
 */
export async function sudoers(args: ParsedArgs): Promise<number> {
  const loaded = targetOf(args.options);
  if (!loaded.target.useSudo)
    throw new InputError(
      `target ${loaded.name} has useSudo: false: every command runs as the login user, so it needs no sudoers rules`,
    );
  let fragment;
  try {
    fragment = await fetchSudoersFragment(loaded.name, loaded.target);
  } catch (error) {
    // A refused connection is bad input (exit 2, in main); anything else is said plainly:
    // no deployment exists here, so there is no state to speak of.
    if (error instanceof TransportRefused) throw error;
    err.write(`cvd-tui sudoers: ${errorMessage(error)}\n`);
    return EXIT.stepFailed;
  }
  out.write(fragment);
  return EXIT.ok;
}
