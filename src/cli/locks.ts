import { LockHeld } from '../engine/lock.js';
import { lockStateFile, StateBusy } from '../state/process-lock.js';
import { InputError } from '../util/exit.js';
import type { Session } from '../session/open.js';

/** This machine's state database, one process at a time: refused (exit 2) while another cvd-tui has it. */
export function lockState(session: Pick<Session, 'store'>): void {
  try {
    lockStateFile(session.store.db.name);
  } catch (error) {
    if (error instanceof StateBusy) throw new InputError(error.message);
    throw error;
  }
}

/** Runs `work`, turning a held target lock into exit 2 with the holder named. */
export async function refusingHeld<T>(
  session: Pick<Session, 'name'>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LockHeld) throw new InputError(`${session.name}: ${error.message}`);
    throw error;
  }
}
