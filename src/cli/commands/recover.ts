import { NothingToRecover } from '../../engine/recover.js';
import { out } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { lockState } from '../locks.js';
import { headlessSecrets } from '../open-runner.js';
import { openSession } from '../../session/open.js';
import { fleetOf } from '../../session/fleet.js';
import { nextText, READ_ONLY_NOTE, recoveredText, recoverTarget } from '../recover-target.js';

/**
 * `recover [--target NAME]`: rebuilds the target's unfinished deployment
 * into this state database from the journal on the target (another jump
 * host, or a state database that was lost), and says what it rebuilt. A
 * group (`--target GROUP`, `--inventory F --group G`): every member's, in
 * fleet-recover.ts.
 */
export async function recover(args: ParsedArgs): Promise<number> {
  const fleet = await fleetOf(args.options);
  if (fleet) return (await import('../fleet-recover.js')).recoverFleet(args, fleet);
  const session = openSession(args.options);
  try {
    const secrets = await headlessSecrets(session);
    lockState(session);
    out.write(`Reading the journal on ${session.name}…\n`);
    const recovered = await recoverTarget(session, secrets).catch((error: unknown) => {
      if (error instanceof NothingToRecover)
        throw new InputError(`${session.name}: ${error.message}`);
      throw error;
    });
    out.write(
      `${recoveredText(session.name, recovered)}${READ_ONLY_NOTE}Next:\n${nextText(recovered.deployment.id)}`,
    );
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
