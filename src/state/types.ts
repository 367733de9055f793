export type DeploymentStatus = 'in_progress' | 'succeeded' | 'failed' | 'rolled_back' | 'abandoned';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type Mode = 'deploy' | 'rollback';

export interface DeploymentRecord {
  id: string;
  target: string;
  operator: string;
  /** The machine cvd-tui ran on. */
  jumpHost: string;
  versionFrom: string | null;
  versionTo: string;
  /** `rollback` once the operator started rolling back; resume then continues the rollback. */
  mode: Mode;
  status: DeploymentStatus;
  startedAt: number;
  finishedAt: number | null;
  resolution: string | null;
}

export interface AttemptRecord {
  stepId: string;
  attempt: number;
  status: Exclude<StepStatus, 'pending'>;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  command: string | null;
  summary: string | null;
  /** Why a step was skipped. */
  reason: string | null;
  by: string | null;
  /** The connection or process died and the journal could not tell how the step ended. */
  outcomeUnknown: boolean;
}

export interface ChecklistRecord {
  itemId: string;
  checked: boolean;
  by: string | null;
  at: number | null;
  evidence: string | null;
  evidenceOk: boolean | null;
  reason: string | null;
}

export interface EventRecord {
  /** Its place in the deployment's hash chain (state/chain.ts); null: recorded before the chain existed. */
  seq: number | null;
  at: number;
  type: string;
  actor: string;
  detail: string | null;
  /** The digest of the step attempt this event ended, if any. */
  digest: string | null;
  hash: string | null;
}

export const UNFINISHED: readonly DeploymentStatus[] = ['in_progress', 'failed'];
