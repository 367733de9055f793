import type { AttemptRecord } from '../state/types.js';

export interface VerificationItem {
  label: string;
  /** true: verified; false: checked and failed; null: not verified by this deployment. */
  verified: boolean | null;
  evidence: string;
}

type Facts = Record<string, string>;

/** The runbook's Verification Checklist ("Deployment Success Criteria"), filled in from what the steps verified. */
export function verificationChecklist(
  facts: Facts,
  attempts: Map<string, AttemptRecord>,
): VerificationItem[] {
  const step = (id: string) => attempts.get(id);
  const byStep = (label: string, id: string): VerificationItem => {
    const a = step(id);
    return {
      label,
      verified:
        !a || a.status === 'skipped' || a.status === 'running' ? null : a.status === 'succeeded',
      evidence: a ? `${id}: ${a.summary ?? a.status}` : `${id} not run`,
    };
  };
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
    byStep('Health endpoints responding (200 status)', '3.2'),
    fact(
      'Database integrity verified',
      'integrity',
      (v) => v === 'ok',
      (v) => `integrity_check: ${v}`,
    ),
    byStep('SSL certificate valid and working', '3.4'),
    byStep('All API endpoints responding', '3.3'),
    fact(
      'No critical errors in logs',
      'errorCount',
      (v) => v === '0',
      (v) => `${v} error lines in the last 100 log entries`,
    ),
    byStep('Performance within acceptable limits', '4.2'),
    byStep('PWA functionality working', '4.3'),
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

/** One word for the Execution Log's "Verification Status". */
export function verificationStatus(items: VerificationItem[]): string {
  if (items.some((i) => i.verified === false)) return 'FAILED';
  if (items.every((i) => i.verified === true)) return 'VERIFIED';
  return items.some((i) => i.verified === true) ? 'PARTIAL' : 'NOT VERIFIED';
}
