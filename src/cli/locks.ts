import { LockHeld, takeDeployLock, type LockToken } from '../engine/lock.js';
import { lockStateFile, StateBusy } from '../state/process-lock.js';
import type { Transport } from '../transport/types.js';
import { InputError } from '../util/exit.js';
import type { Session } from '../session/open.js';

/** This machine's state database, one process at a time: refused (exit 2) while another cvd-tui has it. */
export function lockState(session: Session): void {
  try {
    lockStateFile(session.store.db.name);
  } catch (error) {
    if (error instanceof StateBusy) throw new InputError(error.message);
    throw error;
  }
}

/** Runs `work`, turning a held target lock into exit 2 with the holder named. */
export async function refusingHeld<T>(session: Session, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LockHeld) throw new InputError(`${session.name}: ${error.message}`);
    throw error;
  }
}

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
  lockState(session);
  return refusingHeld(session, () =>
    takeDeployLock({
      transport,
      store: session.store,
      target: session.target,
      deploymentId,
      operator: session.operator,
      jumpHost: session.jumpHost,
      takeOver,
    }),
  );
}
