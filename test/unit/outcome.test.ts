import { describe, expect, it } from 'vitest';
import { deploymentOutcome } from '../../src/export/outcome.js';
import type { AttemptRecord, DeploymentStatus } from '../../src/state/types.js';

const PREVIOUS = 'a'.repeat(40);

const attempt = (stepId: string, status: AttemptRecord['status']): AttemptRecord => ({
  stepId,
  attempt: 1,
  status,
  startedAt: 0,
  finishedAt: 1,
  exitCode: status === 'succeeded' ? 0 : 1,
  command: null,
  summary: null,
  reason: null,
  by: 'alice',
  outcomeUnknown: false,
});
const latest = (...attempts: AttemptRecord[]) => new Map(attempts.map((a) => [a.stepId, a]));
const d = (status: DeploymentStatus) => ({ status, versionTo: 'v1.0.2' });

describe('how a deployment ended, in one phrase (export/outcome.ts)', () => {
  it('rolled back: what R.7 verified serving, and the step that failed', () => {
    const facts = { previousCommit: PREVIOUS, previousVersion: 'v1.0.0', runningVersion: 'v1.0.0' };
    const steps = latest(
      attempt('3.1', 'succeeded'),
      attempt('3.2', 'failed'),
      attempt('R.7', 'succeeded'),
    );
    expect(deploymentOutcome(d('rolled_back'), facts, steps)).toEqual({
      summary: 'rolled back: serving v1.0.0 (v1.0.2 failed at 3.2)',
      serving: 'v1.0.0',
      failedAt: '3.2',
    });
  });

  it('serving is read from facts, never assumed from the version the rollback meant to restore', () => {
    const steps = latest(attempt('3.2', 'failed'), attempt('R.7', 'succeeded'));
    // Recorded before R.7 read a tag: its commit, named by 1.3's record when it is the same.
    expect(
      deploymentOutcome(
        d('rolled_back'),
        { previousCommit: PREVIOUS, previousVersion: 'v1.0.0', runningCommit: PREVIOUS },
        steps,
      ).serving,
    ).toBe('v1.0.0');
    // Another commit than 1.3 saw: that commit, not v1.0.0.
    expect(
      deploymentOutcome(
        d('rolled_back'),
        { previousCommit: PREVIOUS, previousVersion: 'v1.0.0', runningCommit: 'b'.repeat(40) },
        steps,
      ).serving,
    ).toBe('b'.repeat(12));
    // R.7 skipped: nothing verified what serves.
    const unverified = deploymentOutcome(
      d('rolled_back'),
      { runningVersion: 'v1.0.0' },
      latest(attempt('3.2', 'failed'), attempt('R.7', 'skipped')),
    );
    expect(unverified).toMatchObject({ serving: null });
    expect(unverified.summary).toBe(
      'rolled back: what serves was not verified (R.7 did not succeed) (v1.0.2 failed at 3.2)',
    );
  });

  it('a rollback nothing failed before (the operator chose it) says so; other endings are their status', () => {
    expect(
      deploymentOutcome(
        d('rolled_back'),
        { runningVersion: 'v1.0.0' },
        latest(attempt('5.3', 'succeeded'), attempt('R.7', 'succeeded')),
      ).summary,
    ).toBe('rolled back: serving v1.0.0 (v1.0.2 rolled back by the operator)');
    expect(deploymentOutcome(d('succeeded'), {}, latest()).summary).toBe('succeeded');
    expect(deploymentOutcome(d('in_progress'), {}, latest()).summary).toBe('in progress');
  });
});
