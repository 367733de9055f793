import type { StateStore } from '../../state/store.js';
import { UNFINISHED, type DeploymentRecord } from '../../state/types.js';
import { InputError } from '../../util/exit.js';

/**
 * What a deployment is picked for. It decides which one "the latest" is and
 * which statuses leave nothing to do: `resume` wants an unfinished one,
 * `rollback` one not yet rolled back or abandoned, `read` (export, plan,
 * monitor) any recorded one.
 */
export type PickPurpose = 'resume' | 'rollback' | 'read';

/**
 * The deployment a command names (`id`) or, without one, the latest of
 * `targetName` for `purpose`. Refused (exit 2), saying what exists instead,
 * when there is none, it belongs to another target, or there is nothing to do.
 */
export function pickDeployment(
  store: StateStore,
  targetName: string,
  id: string | undefined,
  purpose: PickPurpose,
): DeploymentRecord {
  const resuming = purpose === 'resume';
  const d = id
    ? store.deployment(id)
    : resuming
      ? store.latestUnfinished(targetName)
      : store.latest(targetName);
  if (!d)
    throw new InputError(
      id
        ? `no deployment ${id} in ${store.db.name}`
        : `no ${resuming ? 'unfinished' : 'recorded'} deployment of ${targetName}`,
    );
  if (d.target !== targetName)
    throw new InputError(
      `deployment ${d.id} belongs to target ${d.target}: pass --target ${d.target}`,
    );
  if (resuming && !UNFINISHED.includes(d.status))
    throw new InputError(`deployment ${d.id} is ${d.status}: nothing to resume`);
  if (purpose === 'rollback' && (d.status === 'rolled_back' || d.status === 'abandoned'))
    throw new InputError(
      `deployment ${d.id} is ${d.status.replace('_', ' ')}: nothing to roll back`,
    );
  return d;
}
