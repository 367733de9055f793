import type { AttemptRecord, DeploymentStatus, Mode } from '../state/types.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import type { Facts, StepDef } from '../steps/types.js';

export interface VerificationItem {
  label: string;
  /** true: verified; false: checked and failed; null: not verified by this deployment. */
  verified: boolean | null;
  evidence: string;
}

/**
 * The runbook's Verification Checklist filled in from the rows the steps
 * define, in the runbook's order. After an Emergency Rollback it is the
 * rollback's: the deployment's own rows describe a version that is no
 * longer running.
 */
function checklistOf(
  steps: readonly StepDef[],
  facts: Facts,
  attempts: Map<string, AttemptRecord>,
): VerificationItem[] {
  return steps
    .flatMap((step) => step.verification.map((row) => ({ row, stepId: step.id })))
    .sort((a, b) => a.row.position - b.row.position)
    .map(({ row, stepId }) => ({
      label: row.label,
      ...row.check({ stepId, attempt: attempts.get(stepId), facts }),
    }));
}

/**
 * One word for the Execution Log's "Verification Status". A finished rollback
 * says so: its own checks passing must not read as the deployment verified,
 * nor a skipped restore (nothing to restore) as PARTIAL.
 */
function verificationStatus(items: VerificationItem[], status?: DeploymentStatus): string {
  if (items.some((i) => i.verified === false)) return 'FAILED';
  if (status === 'rolled_back') return 'ROLLED BACK';
  if (items.every((i) => i.verified === true)) return 'VERIFIED';
  return items.some((i) => i.verified === true) ? 'PARTIAL' : 'NOT VERIFIED';
}

/** The Verification Checklist a deployment ends with: its own, or after a rollback the rollback's (`status`: the deployment's). */
export function verificationOf(
  mode: Mode,
  facts: Facts,
  attempts: Map<string, AttemptRecord>,
  status?: DeploymentStatus,
): { of: Mode; status: string; items: VerificationItem[] } {
  const items = checklistOf(mode === 'rollback' ? ROLLBACK_STEPS : DEPLOY_STEPS, facts, attempts);
  return { of: mode, status: verificationStatus(items, status), items };
}
