import type { VerificationRow } from './types.js';

/**
 * The kinds of row a step adds to the runbook's Verification Checklist. The
 * export and the summary screen collect them from the step list and order
 * them by `position`.
 */

/** Verified when the step's latest attempt succeeded; its summary is the evidence. */
export const outcomeRow = (position: number, label: string): VerificationRow => ({
  label,
  position,
  check: ({ stepId, attempt }) => ({
    verified:
      !attempt || attempt.status === 'skipped' || attempt.status === 'running'
        ? null
        : attempt.status === 'succeeded',
    // A skip's summary is its reason: said after the word "skipped", once.
    evidence: !attempt
      ? `${stepId} not run`
      : attempt.status === 'skipped' && attempt.summary
        ? `${stepId} skipped: ${attempt.summary}`
        : `${stepId}: ${attempt.summary ?? attempt.status}`,
  }),
});

/**
 * Verified from a fact's latest value, whichever step recorded it (1.1 and
 * 3.1 both record `serviceState`); `pass` null: not verified (a test that
 * was skipped).
 */
export const factRow = (
  position: number,
  label: string,
  key: string,
  pass: (value: string) => boolean | null,
  describe: (value: string) => string,
): VerificationRow => ({
  label,
  position,
  check: ({ facts }) => {
    const value = facts[key];
    return value === undefined
      ? { verified: null, evidence: 'not measured' }
      : { verified: pass(value), evidence: describe(value) };
  },
});

/**
 * Verified when `path` answered 200, as the HTTP code recorded in `key`
 * says; read only once this step ended, since an earlier step may have
 * recorded the same fact for another version (3.2 and R.7 both record
 * `healthCode`).
 */
export const answeredRow = (
  position: number,
  label: string,
  key: string,
  path: string,
): VerificationRow => ({
  label,
  position,
  check: ({ stepId, attempt, facts }) => {
    const ended = attempt?.status === 'succeeded' || attempt?.status === 'failed';
    return ended
      ? {
          verified: facts[key] === '200',
          evidence: `${stepId}: ${path} answered HTTP ${facts[key] ?? 'nothing'}`,
        }
      : { verified: null, evidence: `${stepId} not run` };
  },
});
