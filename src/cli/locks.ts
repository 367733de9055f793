import { LockHeld, takeDeployLock, type LockToken } from '../engine/lock.js';
import { lockStateFile, StateBusy } from '../state/process-lock.js';
import type { Transport } from '../transport/types.js';
import { InputError } from './exit.js';
import type { Session } from './session.js';

/**
 * Takes both locks a deployment run needs: this machine's state database
 * (one process at a time) and the target's deploy lock (one deployment at a
 * time, from any jump host). Refusals are exit 2 and name the holder.
 * Returns the token of a lock taken over, for the caller to record.
 */
export async function takeLocks(
  session: Session,
  transport: Transport,
  deploymentId: string,
  takeOver: boolean,
): Promise<LockToken | undefined> {
  try {
    lockStateFile(session.store.db.name);
    return await takeDeployLock({
      transport,
      store: session.store,
      deployments: session.target.paths.deployments,
      deploymentId,
      operator: session.operator,
      jumpHost: session.jumpHost,
      takeOver,
    });
  } catch (error) {
    if (error instanceof StateBusy) throw new InputError(error.message);
    if (error instanceof LockHeld) throw new InputError(`${session.name}: ${error.message}`);
    throw error;
  }
}
