import { acquireLock, describeHolder, type LockToken } from '../../engine/lock.js';
import type { TuiCore } from '../core.js';

/**
 * Takes the target's deploy lock for `deploymentId` (re-taking one this
 * deployment holds, as a resume does, just refreshes it). Held by another
 * deployment: throws with the holder named, which `work` shows as a notice.
 */
export async function takeDeployLock(
  core: TuiCore,
  deploymentId: string,
): Promise<LockToken | undefined> {
  const { deps } = core;
  const token: LockToken = {
    deploymentId,
    operator: deps.operator,
    jumpHost: deps.jumpHost,
    pid: process.pid,
    since: new Date().toISOString(),
  };
  const result = await acquireLock(
    deps.transport,
    deps.target.paths.deployments,
    token,
    deps.takeOverLock,
  );
  if (result.kind === 'held')
    throw new Error(
      `${deps.targetName} is locked by ${describeHolder(result.holder, result.stale)}.` +
        (result.stale
          ? ' Restart with --take-over-lock to take it over (recorded).'
          : ' Wait for that deployment to end.'),
    );
  return result.tookOverFrom;
}

/** Records a takeover as an event of the deployment that took the lock. */
export function recordTakeover(
  core: TuiCore,
  deploymentId: string,
  from: LockToken | undefined,
): void {
  if (from)
    core.deps.store.event(
      deploymentId,
      'lock taken over',
      core.deps.operator,
      describeHolder(from, false),
    );
}
