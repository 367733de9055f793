import { describe, expect, it } from 'vitest';
import {
  serviceDown,
  targetState,
  type DeploymentRecordSet,
} from '../../src/engine/target-state.js';
import type { AttemptRecord, DeploymentRecord, EventRecord } from '../../src/state/types.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const deployment = (over: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  id: '20260101_120000_abcd',
  target: 'prod',
  operator: 'alice',
  jumpHost: 'jump',
  versionFrom: 'v1.0.0',
  versionTo: 'v1.0.1',
  mode: 'deploy',
  status: 'in_progress',
  startedAt: T0,
  finishedAt: null,
  resolution: null,
  ...over,
});

/** Steps run one a second from T0, in the order given; `[id, status]` or `[id, status, {…}]`. */
function attempts(
  ...runs: [string, AttemptRecord['status'], Partial<AttemptRecord>?][]
): AttemptRecord[] {
  const count = new Map<string, number>();
  return runs.map(([stepId, status, over], i) => {
    const attempt = (count.get(stepId) ?? 0) + 1;
    count.set(stepId, attempt);
    return {
      stepId,
      attempt,
      status,
      startedAt: T0 + i * 1000,
      finishedAt: status === 'running' ? null : T0 + i * 1000 + 500,
      exitCode: status === 'succeeded' ? 0 : null,
      command: null,
      summary: null,
      reason: null,
      by: 'alice',
      outcomeUnknown: false,
      ...over,
    };
  });
}

const event = (type: string, actor: string): EventRecord => ({
  seq: null,
  at: T0,
  type,
  actor,
  detail: null,
  digest: null,
  hash: null,
});

const PHASE1: [string, AttemptRecord['status']][] = [
  ['1.1', 'succeeded'],
  ['1.2', 'succeeded'],
  ['1.3', 'succeeded'],
];
/** Phase 2 done: cvd stopped, code and database updated, 3.1 next. */
const PHASE2: [string, AttemptRecord['status']][] = [
  ['2.1', 'succeeded'],
  ['2.2', 'succeeded'],
  ['2.3', 'succeeded'],
  ['2.4', 'succeeded'],
];
const BACKED_UP = { previousCommit: 'a'.repeat(40), dbBackup: '/opt/cvd/backups/db.bak' };

const state = (over: Partial<DeploymentRecordSet>) =>
  targetState({ deployment: deployment(), attempts: [], facts: {}, events: [], ...over });

describe('the target as a deployment record knows it', () => {
  it('at the checklist: untouched, the old code, nothing to roll back, the lock with its operator', () => {
    const s = state({});
    expect(s).toMatchObject({
      service: 'untouched',
      code: 'v1.0.0',
      migration: 'pending',
      rollback: 'none',
      lockHolder: 'alice',
      next: { id: '1.1', title: 'Environment Verification' },
    });
    expect(serviceDown(s)).toBe(false);
  });

  it('1.1 found the service active: up, serving the running version; 1.3 makes rollback possible', () => {
    const s = state({ attempts: attempts(...PHASE1), facts: BACKED_UP });
    expect(s).toMatchObject({ service: 'up', serving: 'v1.0.0', rollback: 'ready' });
    expect(s.next?.id).toBe('2.1');
  });

  it('from 2.1 until 3.1: down since 2.1 ended, through 2.2 and 2.3, with what starting it runs', () => {
    const s = state({
      attempts: attempts(...PHASE1, ['2.1', 'succeeded'], ['2.2', 'succeeded']),
      facts: BACKED_UP,
    });
    expect(s).toMatchObject({
      service: 'down',
      downSince: T0 + 3000 + 500,
      stoppedBy: '2.1',
      startStep: '3.1',
      startRuns: ['2.3', '2.4', '3.1'],
      code: 'v1.0.1',
      serving: undefined,
      next: { id: '2.3' },
    });
    expect(serviceDown(s)).toBe(true);
  });

  it('a failed migration: still down, and "start" is not offered (the migration is the operator’s call)', () => {
    const s = state({
      attempts: attempts(...PHASE1, ['2.1', 'succeeded'], ['2.2', 'succeeded'], ['2.3', 'failed']),
      facts: { ...BACKED_UP, migrationStarted: 'v1.0.1' },
    });
    expect(s).toMatchObject({ service: 'down', migration: 'failed', startRuns: undefined });
  });

  it('a failed 3.1 keeps the clock running from 2.1; a retried 3.1 that verifies ends the downtime', () => {
    const run = [...PHASE1, ...PHASE2, ['3.1', 'failed']] as [string, AttemptRecord['status']][];
    const failed = state({
      attempts: attempts(...run),
      facts: { ...BACKED_UP, migrationsApplied: 'v1.0.1' },
    });
    expect(failed).toMatchObject({
      service: 'down',
      downSince: T0 + 3500,
      startRuns: ['3.1'],
      migration: 'applied',
      migrated: 'v1.0.1',
    });
    const up = state({ attempts: attempts(...run, ['3.1', 'succeeded']), facts: BACKED_UP });
    expect(up).toMatchObject({ service: 'up', serving: 'v1.0.1', downSince: undefined });
    expect(up.startStep).toBeUndefined();
  });

  it('3.1 running while down: starting, and still down until it verifies', () => {
    const s = state({
      attempts: attempts(
        ...PHASE1,
        ['2.1', 'succeeded'],
        ['2.2', 'skipped'],
        ['2.3', 'succeeded'],
        ['2.4', 'succeeded'],
        ['3.1', 'running'],
      ),
      facts: BACKED_UP,
    });
    expect(s).toMatchObject({ service: 'starting', code: 'v1.0.0', migration: 'none' });
    expect(serviceDown(s)).toBe(true);
  });

  it('a stop whose outcome was lost is unknown, not down', () => {
    const s = state({
      attempts: attempts(...PHASE1, ['2.1', 'failed', { outcomeUnknown: true }]),
      facts: BACKED_UP,
    });
    expect(s.service).toBe('unknown');
    expect(serviceDown(s)).toBe(false);
  });

  it('a rollback after 3.1: down from R.1 until R.6 verified, then up on the old code', () => {
    const deployed = [
      ...PHASE1,
      ...PHASE2,
      ['3.1', 'succeeded'],
      ['3.2', 'failed'],
      ['R.1', 'succeeded'],
      ['R.2', 'succeeded'],
    ] as [string, AttemptRecord['status']][];
    const rolling = deployment({ mode: 'rollback' });
    const down = state({ deployment: rolling, attempts: attempts(...deployed), facts: BACKED_UP });
    expect(down).toMatchObject({
      service: 'down',
      stoppedBy: 'R.1',
      downSince: T0 + 9_500,
      code: 'v1.0.0',
      startStep: 'R.6',
      startRuns: ['R.3', 'R.4', 'R.5', 'R.6'],
      rollback: 'running',
      next: { id: 'R.3' },
    });
    const restored = state({
      deployment: deployment({ mode: 'rollback', status: 'rolled_back' }),
      attempts: attempts(
        ...deployed,
        ['R.3', 'succeeded'],
        ['R.4', 'succeeded'],
        ['R.5', 'succeeded'],
        ['R.6', 'succeeded'],
        ['R.7', 'succeeded'],
      ),
      facts: {
        ...BACKED_UP,
        migrationStarted: 'v1.0.1',
        migrationsApplied: 'v1.0.1',
        keptDatabase: '/k.db',
      },
    });
    expect(restored).toMatchObject({
      service: 'up',
      serving: 'v1.0.0',
      migration: 'restored',
      rollback: 'done',
      lockHolder: undefined,
      next: undefined,
    });
  });

  it('a rollback begun while down keeps the downtime from 2.1', () => {
    const s = state({
      deployment: deployment({ mode: 'rollback' }),
      attempts: attempts(...PHASE1, ['2.1', 'succeeded'], ['2.2', 'failed'], ['R.1', 'succeeded']),
      facts: BACKED_UP,
    });
    expect(s).toMatchObject({
      service: 'down',
      stoppedBy: '2.1',
      downSince: T0 + 3500,
      // 2.2 failed: whether it checked out the new code is not known.
      code: undefined,
    });
  });

  it('the lock goes to whoever resumed or took it over last; an ended deployment holds none', () => {
    const events = [
      event('resumed', 'bob'),
      event('lock taken over', 'carol'),
      event('step started', 'dave'),
    ];
    expect(state({ events }).lockHolder).toBe('carol');
    expect(
      state({ deployment: deployment({ status: 'abandoned' }), events }).lockHolder,
    ).toBeUndefined();
  });
});
