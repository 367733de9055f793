import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expected } from '../../src/engine/drift.js';
import { verificationOf } from '../../src/export/verification.js';
import type { AttemptRecord, StepStatus } from '../../src/state/types.js';
import { DEPLOY_PHASES, DEPLOY_STEPS, ROLLBACK_STEPS } from '../../src/steps/index.js';
import type { StepDef } from '../../src/steps/types.js';

/** The runbook's "Deployment Success Criteria", read from the runbook itself. */
function runbookSuccessCriteria(): string[] {
  const runbook = readFileSync(
    new URL('../../../shared/runbook/cvd-deployment-runbook.md', import.meta.url),
    'utf8',
  );
  const section = runbook.split('### Deployment Success Criteria')[1]!.split('\n###')[0]!;
  return [...section.matchAll(/^- \[ \] (.+)$/gm)].map((m) => m[1]!);
}

type Ended = Exclude<StepStatus, 'pending'>;
const attempt = (stepId: string, status: Ended, summary: string | null = null): AttemptRecord => ({
  stepId,
  attempt: 1,
  status,
  startedAt: 0,
  finishedAt: null,
  exitCode: null,
  command: null,
  summary,
  reason: null,
  by: null,
  outcomeUnknown: false,
});
const history = (...attempts: AttemptRecord[]) => new Map(attempts.map((a) => [a.stepId, a]));

describe('a step is one place', () => {
  it('gives every step its --plan wording', () => {
    for (const step of [...DEPLOY_STEPS, ...ROLLBACK_STEPS])
      expect(step.verifies, step.id).toMatch(/\w{3}/);
  });

  it("numbers each list's Verification Checklist rows 1…n, each once", () => {
    for (const steps of [DEPLOY_STEPS, ROLLBACK_STEPS]) {
      const positions = steps.flatMap((s) => s.verification.map((r) => r.position));
      expect(positions.toSorted((a, b) => a - b)).toEqual(positions.map((_, i) => i + 1));
    }
  });

  it("the deploy's rows are the runbook's Deployment Success Criteria, in its order", () => {
    const items = verificationOf('deploy', {}, new Map()).items;
    expect(items.map((i) => i.label)).toEqual(runbookSuccessCriteria());
    expect(items.length).toBe(9);
  });

  it('derives the phase counts from the step list', () => {
    expect(DEPLOY_PHASES.map((p) => [p.id, p.steps.length])).toEqual([
      ['1', 3],
      ['2', 4],
      ['3', 4],
      ['4', 3],
      ['5', 3],
    ]);
    expect(DEPLOY_PHASES.flatMap((p) => p.steps)).toEqual(DEPLOY_STEPS);
  });
});

describe('the Verification Checklist, filled in from the rows', () => {
  it("reads a step's outcome, a fact, or a test that was not run", () => {
    const { items, status } = verificationOf(
      'deploy',
      { serviceState: 'inactive', loginCode: 'skipped', integrity: 'ok' },
      history(attempt('3.2', 'succeeded', 'all health checks passed'), attempt('3.4', 'skipped')),
    );
    const row = (label: string) => items.find((i) => i.label.startsWith(label))!;
    expect(row('Application service')).toMatchObject({
      verified: false,
      evidence: 'service inactive',
    });
    expect(row('Health endpoints')).toMatchObject({
      verified: true,
      evidence: '3.2: all health checks passed',
    });
    expect(row('Database integrity')).toMatchObject({ verified: true });
    expect(row('SSL')).toMatchObject({ verified: null, evidence: '3.4: skipped' });
    expect(row('All API')).toMatchObject({ verified: null, evidence: '3.3 not run' });
    expect(row('No critical errors')).toMatchObject({ verified: null, evidence: 'not measured' });
    expect(row('User login')).toMatchObject({
      verified: null,
      evidence: 'login not tested (no password)',
    });
    expect(status).toBe('FAILED');
  });

  it("after a rollback, reads R.7's HTTP codes only once R.7 ended (3.2 records the same facts)", () => {
    const facts = { healthCode: '200', databaseHealthCode: '500' };
    const before = verificationOf('rollback', facts, history(attempt('R.6', 'succeeded', 'up')));
    expect(before.items.map((i) => i.label)).toEqual([
      'Previous code version restored',
      'Database restored if a migration ran (integrity verified)',
      'Configuration restored if changed',
      'Service unit restored if changed',
      'Application service running',
      'Health endpoint responding (200 status)',
      'Database health endpoint responding (200 status)',
    ]);
    expect(before.items[5]).toMatchObject({ verified: null, evidence: 'R.7 not run' });

    const after = verificationOf('rollback', facts, history(attempt('R.7', 'failed')));
    expect(after.items[5]).toMatchObject({
      verified: true,
      evidence: 'R.7: /health answered HTTP 200',
    });
    expect(after.items[6]).toMatchObject({
      verified: false,
      evidence: 'R.7: /health/database answered HTTP 500',
    });
  });
});

describe("resume's drift check, from the steps' effects", () => {
  const facts = { previousCommit: 'prev', deployedCommit: 'new' };
  const upTo = (steps: readonly StepDef[], last: string, lastStatus: Ended) =>
    history(
      ...steps
        .slice(0, steps.findIndex((s) => s.id === last) + 1)
        .map((s) => attempt(s.id, s.id === last ? lastStatus : 'succeeded')),
    );

  it('expects what the succeeded steps left: 2.1 stopped the service, 2.2 checked out the tag', () => {
    expect(
      expected(DEPLOY_STEPS, upTo(DEPLOY_STEPS, '2.1', 'succeeded'), 'deploy', facts, 't'),
    ).toEqual({ service: 'stopped', commits: ['prev'] });
    expect(
      expected(DEPLOY_STEPS, upTo(DEPLOY_STEPS, '2.2', 'succeeded'), 'deploy', facts, 't'),
    ).toEqual({ service: 'stopped', commits: ['new'] });
  });

  it('accepts either commit when 2.2 was interrupted, and the previous one after R.2', () => {
    expect(
      expected(DEPLOY_STEPS, upTo(DEPLOY_STEPS, '2.2', 'failed'), 'deploy', facts, 't'),
    ).toEqual({ service: 'stopped', commits: ['prev', 'new'] });
    expect(
      expected(ROLLBACK_STEPS, upTo(ROLLBACK_STEPS, 'R.2', 'succeeded'), 'rollback', facts, 't'),
    ).toEqual({ service: 'stopped', commits: ['prev'] });
  });

  it("reads a step's effect from its definition, not from its id", () => {
    const restart: StepDef = { ...DEPLOY_STEPS[0]!, id: 'X.1', effect: { service: 'stopped' } };
    expect(expected([restart], history(attempt('X.1', 'succeeded')), 'deploy', {}, '')).toEqual({
      service: 'stopped',
      commits: undefined,
    });
  });
});
