import type { AttemptRecord, DeploymentRecord } from '../state/types.js';
import { DEPLOY_STEPS } from '../steps/index.js';
import type { Facts } from '../steps/types.js';

/** How a deployment ended, as the header, the summary, the exit lines and the export all say it. */
export interface Outcome {
  /**
   * One phrase: the status, and for a rolled-back deployment what serves now
   * and why: "rolled back: serving v1.0.0 (v1.0.2 failed at 3.2)".
   */
  summary: string;
  /** The version the rollback's verification (R.7) found checked out and answering; null: not verified, or not rolled back. */
  serving: string | null;
  /** The deployment step whose failure the rollback answered; null: none failed (the operator chose to roll back). */
  failedAt: string | null;
}

/** The step that verifies a rollback: what it records is what serves afterwards. */
const VERIFY_ROLLBACK = 'R.7';

/**
 * What R.7 found serving: the tag it read at HEAD once /health answered
 * (`runningVersion`), or, for a deployment recorded before R.7 read it, the
 * commit it read, named by 1.3's record when it is the one 1.3 saw. Never
 * `versionFrom`: that is what the rollback meant to restore, not what it
 * verified.
 */
function servingVersion(facts: Facts, latest: ReadonlyMap<string, AttemptRecord>): string | null {
  if (latest.get(VERIFY_ROLLBACK)?.status !== 'succeeded') return null;
  if (facts.runningVersion) return facts.runningVersion;
  const commit = facts.runningCommit;
  if (!commit) return null;
  return commit === facts.previousCommit && facts.previousVersion
    ? facts.previousVersion
    : commit.slice(0, 12);
}

/** The deployment step that stood failed when the rollback began (the last one, in the runbook's order). */
const failedStep = (latest: ReadonlyMap<string, AttemptRecord>): string | null =>
  DEPLOY_STEPS.findLast((s) => latest.get(s.id)?.status === 'failed')?.id ?? null;

export function deploymentOutcome(
  d: Pick<DeploymentRecord, 'status' | 'versionTo'>,
  facts: Facts,
  latest: ReadonlyMap<string, AttemptRecord>,
): Outcome {
  const status = d.status.replace('_', ' ');
  if (d.status !== 'rolled_back') return { summary: status, serving: null, failedAt: null };
  const serving = servingVersion(facts, latest);
  const failedAt = failedStep(latest);
  const what = serving
    ? `serving ${serving}`
    : `what serves was not verified (${VERIFY_ROLLBACK} did not succeed)`;
  const why = failedAt
    ? `${d.versionTo} failed at ${failedAt}`
    : `${d.versionTo} rolled back by the operator`;
  return { summary: `${status}: ${what} (${why})`, serving, failedAt };
}
