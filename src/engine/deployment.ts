import type { StateStore } from '../state/store.js';
import type { DeploymentRecord } from '../state/types.js';
import { CHECKLIST } from '../steps/checklist.js';
import type { Preflight } from './preflight.js';

/** newDeploymentId's shape: ids read back from a target or typed by an operator must match it. */
export const DEPLOYMENT_ID = /^\d{8}_\d{6}_[0-9a-f]{1,4}$/;

/** A short, sortable, shell-safe deployment id in the runbook's DEPLOYMENT_DATE format. */
export function newDeploymentId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `${stamp}_${Math.random().toString(16).slice(2, 6)}`;
}

export interface DeploymentStart {
  id: string;
  targetName: string;
  operator: string;
  jumpHost: string;
  version: string;
}

let inHand: string | undefined;

/**
 * The deployment this process has recorded or opened, if any. An unexpected
 * error may say "state is saved, resume continues" only then: a lock or a
 * connection that failed before any deployment existed left nothing to resume.
 */
export const deploymentInHand = (): string | undefined => inHand;

/** Notes that this process works on `id` (createDeployment; every Runner). */
export function holdDeployment(id: string): void {
  inHand = id;
}

/** Records a new deployment; what runs on the target comes with its checks (recordChecks). */
export function createDeployment(store: StateStore, start: DeploymentStart): DeploymentRecord {
  holdDeployment(start.id);
  return store.createDeployment({
    id: start.id,
    target: start.targetName,
    operator: start.operator,
    jumpHost: start.jumpHost,
    versionFrom: null,
    versionTo: start.version,
    startedAt: Date.now(),
  });
}

/** Whether the deployment's pre-deployment checks are recorded (a run killed before them left none). */
export const checksRecorded = (deployment: DeploymentRecord) => deployment.versionFrom !== null;

/**
 * Records the running version and the evidence of every verifiable checklist
 * item (unticked), in one transaction: the version says the checks are
 * recorded (`checksRecorded`), so it must never be there without them.
 */
export function recordChecks(store: StateStore, id: string, preflight: Preflight): void {
  store.atomically(() => {
    store.setVersionFrom(id, preflight.runningVersion);
    for (const item of CHECKLIST) {
      const evidence = preflight.evidence.get(item.id);
      if (evidence)
        store.tick(id, {
          itemId: item.id,
          checked: false,
          by: null,
          evidence: evidence.text,
          evidenceOk: evidence.ok,
          reason: null,
        });
    }
  });
}

/**
 * Ticks (or unticks) one checklist item for `by`. A red item (its check
 * failed) can only be ticked with a reason, which is recorded beside it.
 */
export function tickItem(
  store: StateStore,
  deploymentId: string,
  itemId: string,
  tick: { checked: boolean; by: string; reason?: string },
): void {
  const current = store.checklist(deploymentId).find((c) => c.itemId === itemId);
  if (tick.checked && current?.evidenceOk === false && !tick.reason?.trim())
    throw new Error(`${itemId} failed its check (${current.evidence}): ticking it needs a reason`);
  store.tick(deploymentId, {
    itemId,
    checked: tick.checked,
    by: tick.checked ? tick.by : null,
    evidence: current?.evidence ?? null,
    evidenceOk: current?.evidenceOk ?? null,
    reason: tick.checked ? tick.reason?.trim() || null : null,
  });
  store.event(
    deploymentId,
    tick.checked ? 'checklist ticked' : 'checklist unticked',
    tick.by,
    itemId + (tick.reason ? `: ${tick.reason}` : ''),
  );
}

/** Every checklist item is ticked: the gate to phase 1 is open. */
export function checklistComplete(store: StateStore, deploymentId: string): boolean {
  const ticked = new Set(
    store
      .checklist(deploymentId)
      .filter((c) => c.checked)
      .map((c) => c.itemId),
  );
  return CHECKLIST.every((item) => ticked.has(item.id));
}
