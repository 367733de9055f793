import type { AttemptRecord } from '../state/types.js';

/** A failed attempt or a skip, in the words of the Execution Log's "Issues Encountered". */
export const issueText = (a: AttemptRecord): string =>
  a.status === 'skipped'
    ? `${a.stepId} skipped: ${a.reason}`
    : `${a.stepId} attempt ${a.attempt} failed: ${a.summary}`;

/** Every failed attempt and skip, in the order they happened: what the record says went wrong. */
export const recordedIssues = (attempts: readonly AttemptRecord[]): string[] =>
  attempts.filter((a) => a.status === 'failed' || a.status === 'skipped').map(issueText);

/**
 * What the "Issues encountered" prompt starts with, for the operator to edit:
 * the step failures (id, attempt, summary), one after the other. Skips are
 * left out: their reason is the operator's own words already.
 */
export const failureDraft = (attempts: readonly AttemptRecord[]): string =>
  attempts
    .filter((a) => a.status === 'failed')
    .map(issueText)
    .join('; ');
