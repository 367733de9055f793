import { hostname } from 'node:os';
import { acquireLock, describeHolder, type LockToken } from '../engine/lock.js';
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
export async function takeLocks(session: Session, transport: Transport, deploymentId: string, takeOver: boolean): Promise<LockToken | undefined> {
  try {
    lockStateFile(session.store.db.name);
  } catch (error) {
    if (error instanceof StateBusy) throw new InputError(error.message);
    throw error;
  }
  const token: LockToken = { deploymentId, operator: session.operator, jumpHost: hostname(), pid: process.pid, since: new Date().toISOString() };
  const result = await acquireLock(transport, session.target.paths.deployments, token, takeOver);
  if (result.kind === 'held')
    throw new InputError(
      `${session.name} is locked by ${describeHolder(result.holder, result.stale)}.\n` +
        (result.stale
          ? '  Take the lock over (recorded in the history) with --take-over-lock.'
          : '  Wait for that deployment to end. If you are sure its process is gone, take the lock over with --take-over-lock.'),
    );
  return result.tookOverFrom;
}

/** Records a lock takeover as an event of the deployment that took it. */
export function recordTakeover(session: Session, deploymentId: string, from: LockToken | undefined): void {
  if (from) session.store.event(deploymentId, 'lock taken over', session.operator, describeHolder(from, false));
}
