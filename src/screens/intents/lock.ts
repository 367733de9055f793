import { takeDeployLock as takeLock, type LockToken } from '../../engine/lock.js';
import type { TuiCore } from '../app/core.js';

/**
 * Takes the target's deploy lock for `deploymentId` (re-taking one this
 * deployment holds, as a resume does, just refreshes it). Held by another
 * deployment: throws with the holder named, which `work` shows as a notice.
 */
export function takeDeployLock(
  core: TuiCore,
  deploymentId: string,
): Promise<LockToken | undefined> {
  const { deps } = core;
  return takeLock({
    transport: deps.transport,
    store: deps.store,
    target: deps.target,
    deploymentId,
    operator: deps.operator,
    jumpHost: deps.jumpHost,
    takeOver: deps.takeOverLock,
  });
}
