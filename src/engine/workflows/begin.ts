import type { DeploymentRecord } from '../../state/types.js';
import { checksRecorded, createDeployment, newDeploymentId, recordChecks } from '../deployment.js';
import { writeMeta, type DeploymentMeta } from '../deployment-meta.js';
import { FleetStore } from '../../state/fleet-store.js';
import type { StateStore } from '../../state/store.js';
import { LockHeld, recordTakeover, releaseLock, takeDeployLock } from '../lock.js';
import type { WorkflowContext } from './context.js';

/**
 * Begins a deployment of `version`, in an order that leaves nothing behind
 * that no one can find, whenever the run is killed: the deployment is
 * recorded first, then the target's lock is taken in its name (a run killed
 * after the lock leaves a lock that resume takes back and abandon releases;
 * before, a lock named a deployment no state database knew), then the
 * target is checked (after the lock: while another deployment holds the
 * target its checks say nothing about ours). A deployment the lock or its
 * checks refused never ran anything and is forgotten. `id`: chosen by the
 * caller when it must record it first (a fleet links its hosts' ids).
 */
export async function beginDeployment(
  r: WorkflowContext,
  version: string,
  id = newDeploymentId(),
): Promise<DeploymentRecord> {
  const { store } = r;
  createDeployment(store, { ...r, id, version });
  let tookOver;
  try {
    tookOver = await takeDeployLock({ ...r, deploymentId: id });
  } catch (error) {
    // Only a definite refusal: after a lost connection the lock may be ours, and resume must find it.
    if (error instanceof LockHeld) store.forgetDeployment(id);
    throw error;
  }
  try {
    await completeChecks(r, store.deployment(id)!);
  } catch (error) {
    if (await releaseLock(r.transport, r.target, id)) store.forgetDeployment(id);
    throw error;
  }
  recordTakeover(store, id, r.operator, tookOver);
  return store.deployment(id)!;
}

/** A fleet host's fleet and group, for its metadata (the fleet links its host's id before it begins). */
function fleetOf(store: StateStore, id: string): Pick<DeploymentMeta, 'fleet' | 'group'> {
  const fleet = new FleetStore(store).fleetOfDeployment(id);
  return fleet ? { fleet: fleet.id, group: fleet.name } : {};
}

/**
 * Runs and records the deployment's checks unless they are recorded (a run
 * killed between taking the lock and recording them left none), and writes
 * the deployment's metadata on the target for `recover`, before the state.
 */
export async function completeChecks(
  r: WorkflowContext,
  deployment: DeploymentRecord,
): Promise<void> {
  if (checksRecorded(deployment)) return;
  const checks = await r.check(deployment.versionTo);
  await writeMeta(r.transport, r.target, {
    id: deployment.id,
    target: r.targetName,
    operator: deployment.operator,
    jumpHost: deployment.jumpHost,
    versionFrom: checks.runningVersion,
    versionTo: deployment.versionTo,
    ...fleetOf(r.store, deployment.id),
    startedAt: deployment.startedAt,
  });
  recordChecks(r.store, deployment.id, checks);
}
