import type { AttemptRecord, Mode } from '../state/types.js';

export interface VerificationItem {
  label: string;
  /** true: verified; false: checked and failed; null: not verified by this deployment. */
  verified: boolean | null;
  evidence: string;
}

type Facts = Record<string, string>;

/** An item verified by a step: its latest attempt's outcome and summary. */
const byStep =
  (attempts: Map<string, AttemptRecord>) =>
  (label: string, id: string): VerificationItem => {
    const a = attempts.get(id);
    return {
      label,
      verified:
        !a || a.status === 'skipped' || a.status === 'running' ? null : a.status === 'succeeded',
      evidence: a ? `${id}: ${a.summary ?? a.status}` : `${id} not run`,
    };
  };

/** The runbook's Verification Checklist ("Deployment Success Criteria"), filled in from what the steps verified. */
function verificationChecklist(
  facts: Facts,
  attempts: Map<string, AttemptRecord>,
): VerificationItem[] {
  const step = byStep(attempts);
  const fact = (
    label: string,
    key: string,
    pass: (v: string) => boolean,
    describe: (v: string) => string,
  ): VerificationItem => {
    const value = facts[key];
    return value === undefined
      ? { label, verified: null, evidence: 'not measured' }
      : { label, verified: pass(value), evidence: describe(value) };
  };
  return [
    fact(
      'Application service running (`systemctl status cvd`)',
      'serviceState',
      (v) => v === 'active',
      (v) => `service ${v}`,
    ),
    step('Health endpoints responding (200 status)', '3.2'),
    fact(
      'Database integrity verified',
      'integrity',
      (v) => v === 'ok',
      (v) => `integrity_check: ${v}`,
    ),
    step('SSL certificate valid and working', '3.4'),
    step('All API endpoints responding', '3.3'),
    fact(
      'No critical errors in logs',
      'errorCount',
      (v) => v === '0',
      (v) => `${v} error lines in the last 100 log entries`,
    ),
    step('Performance within acceptable limits', '4.2'),
    step('PWA functionality working', '4.3'),
    fact(
      'User login/authentication working',
      'loginCode',
      (v) => v === '200',
      (v) => (v === 'skipped' ? 'not tested (no CVD_TUI_TEST_PASSWORD)' : `login HTTP ${v}`),
    ),
  ].map((item) =>
    item.label.startsWith('User login') && facts.loginCode === 'skipped'
      ? { ...item, verified: null }
      : item,
  );
}

/**
 * What the target is after an Emergency Rollback, as the rollback verified
 * it: the deployment's own checks describe a version that is no longer
 * running. R.7's HTTP codes are read only once R.7 ended, since 3.2 records
 * the same facts for the version rolled back.
 */
function rollbackChecklist(facts: Facts, attempts: Map<string, AttemptRecord>): VerificationItem[] {
  const step = byStep(attempts);
  const r7 = attempts.get('R.7');
  const r7Ended = r7 && (r7.status === 'succeeded' || r7.status === 'failed');
  const answered = (label: string, key: string, path: string): VerificationItem => {
    const code = facts[key];
    return r7Ended
      ? {
          label,
          verified: code === '200',
          evidence: `R.7: ${path} answered HTTP ${code ?? 'nothing'}`,
        }
      : { label, verified: null, evidence: 'R.7 not run' };
  };
  return [
    step('Previous code version restored', 'R.2'),
    step('Database restored if a migration ran (integrity verified)', 'R.3'),
    step('Configuration restored if changed', 'R.4'),
    step('Service unit restored if changed', 'R.5'),
    step('Application service running', 'R.6'),
    answered('Health endpoint responding (200 status)', 'healthCode', '/health'),
    answered(
      'Database health endpoint responding (200 status)',
      'databaseHealthCode',
      '/health/database',
    ),
  ];
}

/** One word for the Execution Log's "Verification Status". */
function verificationStatus(items: VerificationItem[]): string {
  if (items.some((i) => i.verified === false)) return 'FAILED';
  if (items.every((i) => i.verified === true)) return 'VERIFIED';
  return items.some((i) => i.verified === true) ? 'PARTIAL' : 'NOT VERIFIED';
}

/** The Verification Checklist a deployment ends with: its own, or after a rollback the rollback's. */
export function verificationOf(
  mode: Mode,
  facts: Facts,
  attempts: Map<string, AttemptRecord>,
): { of: Mode; status: string; items: VerificationItem[] } {
  const items = (mode === 'rollback' ? rollbackChecklist : verificationChecklist)(facts, attempts);
  return { of: mode, status: verificationStatus(items), items };
}
