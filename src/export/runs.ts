import { runDigest } from '../state/chain.js';
import type { StateStore } from '../state/store.js';
import type { AttemptRecord, StepStatus } from '../state/types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One attempt of a step as exported: every attempt keeps its own command and output. */
export interface RunLog {
  attempt: number;
  status: Exclude<StepStatus, 'pending'>;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  command: string | null;
  output: string;
  /** What the step's check concluded. */
  summary: string | null;
  /** Why the operator skipped the step, or why this attempt is a retry (the attempt before it failed). */
  reason: string | null;
  /** Who ran (or skipped) it. */
  by: string | null;
  /** The chain's digest of this attempt (state/chain.ts runDigest); null while it runs. */
  digest: string | null;
}

/** Why an attempt that followed a failed one was run. */
const retryReason = (before: AttemptRecord | undefined) =>
  before && before.status === 'failed'
    ? `retry after attempt ${before.attempt} failed: ${before.summary ?? `exit ${before.exitCode ?? '-'}`}`
    : null;

/** Every attempt of one step, in order; a skip is an attempt too (it has a reason and no command). */
export function stepRuns(
  store: StateStore,
  deploymentId: string,
  attempts: readonly AttemptRecord[],
): RunLog[] {
  return attempts.map((a, i) => {
    const output = store.output(deploymentId, a.stepId, a.attempt);
    return {
      attempt: a.attempt,
      status: a.status,
      startedAt: iso(a.startedAt)!,
      finishedAt: iso(a.finishedAt),
      durationMs: a.finishedAt === null ? null : a.finishedAt - a.startedAt,
      exitCode: a.exitCode,
      command: a.command,
      output,
      summary: a.summary,
      reason: a.status === 'skipped' ? a.reason : retryReason(attempts[i - 1]),
      by: a.by,
      digest: a.status === 'running' ? null : runDigest({ ...a, output }),
    };
  });
}

/** The digest an exported run claims, recomputed from what the export says (verify: the log matches the chain). */
export const exportedRunDigest = (stepId: string, run: RunLog): string =>
  runDigest({
    ...run,
    stepId,
    startedAt: Date.parse(run.startedAt),
    finishedAt: run.finishedAt === null ? null : Date.parse(run.finishedAt),
    // Only a skip's reason is recorded; a retry's is derived from the attempt before.
    reason: run.status === 'skipped' ? run.reason : null,
  });
