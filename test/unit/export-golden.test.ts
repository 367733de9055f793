import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tickItem } from '../../src/engine/deployment.js';
import { buildExecutionLog } from '../../src/export/build.js';
import { toMarkdown } from '../../src/export/markdown.js';
import { StateStore } from '../../src/state/store.js';
import { CHECKLIST } from '../../src/steps/checklist.js';
import { POST_ITEMS, POST_TICKED, postDetail } from '../../src/steps/post-checklist.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../../src/steps/index.js';

const GOLDEN = new URL('../golden/execution-log.md', import.meta.url);
let clock = Date.UTC(2026, 10, 27, 22, 0, 0);
const tick = (seconds = 1) => vi.setSystemTime((clock += seconds * 1000));

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  tick(0);
});
afterAll(() => vi.useRealTimers());

/** A deployment with a retried step, a skipped step, a rollback and a post-deployment tick, recorded through the real store. */
function recordDeployment(store: StateStore): void {
  const id = '20261127_220000_ab12';
  store.createDeployment({
    id,
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump-1',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.2',
    startedAt: Date.now(),
  });
  for (const item of CHECKLIST) {
    tick();
    if (item.id === 'tech.4')
      store.tick(id, {
        itemId: item.id,
        checked: false,
        by: null,
        evidence: '12 days remaining',
        evidenceOk: false,
        reason: null,
      });
    tickItem(store, id, item.id, {
      checked: true,
      by: 'alice',
      reason: item.id === 'tech.4' ? 'renewal booked for tomorrow, approved by ops' : undefined,
    });
  }
  const run = (
    stepId: string,
    status: 'succeeded' | 'failed',
    lines: string[],
    summary: string,
    exitCode = status === 'succeeded' ? 0 : 1,
  ) => {
    tick();
    const attempt = store.beginAttempt(id, stepId, `echo step ${stepId}`, 'alice', 'step started');
    store.appendOutput(id, stepId, attempt, lines);
    tick(2);
    store.finishAttempt(id, stepId, attempt, { status, exitCode, summary });
  };
  for (const step of DEPLOY_STEPS) {
    if (step.id === '3.2')
      run(
        '3.2',
        'failed',
        ['=== Running Health Checks ===', 'CVD-FACT healthCode=000'],
        'http://localhost:5000/health did not answer 200: expected 200, got 000',
      );
    if (step.id === '4.3') {
      // Failed, retried, failed again, then skipped: both attempts' output must survive the skip.
      run('4.3', 'failed', ['manifest: HTTP 502 (first try)'], 'manifest.json did not answer 200');
      run('4.3', 'failed', ['manifest: HTTP 504 (second try)'], 'manifest.json did not answer 200');
      tick();
      store.skip(id, '4.3', 'PWA checked by hand on a phone', 'alice');
      continue;
    }
    if (step.id === '5.3') {
      run(
        '5.3',
        'failed',
        ['Detailed health: {"status":"degraded"}'],
        'final health check: status is degraded, not healthy',
      );
      break;
    }
    run(step.id, 'succeeded', [`=== ${step.title} ===`, 'ok'], `${step.title} done`);
  }
  store.recordFacts(id, '2.3', {
    migrationStarted: 'v1.0.1',
    integrity: 'ok',
    serviceState: 'active',
    errorCount: '0',
  });
  store.addIssue(id, 'alice', 'Final health check degraded after deploy');
  store.setMode(id, 'rollback', 'alice');
  for (const step of ROLLBACK_STEPS)
    run(step.id, 'succeeded', [`${step.title}: done`], `${step.title} done`);
  store.recordFacts(id, 'R.7', {
    healthCode: '200',
    databaseHealthCode: '200',
    runningCommit: 'c0ffee'.repeat(6) + 'c0ff',
    runningVersion: 'v1.0.0',
  });
  store.setResolution(
    id,
    'Rolled back to v1.0.0; database restored from pre_deploy_20261127_220000_ab12.db',
  );
  tick();
  store.setStatus(id, 'rolled_back', 'alice');
  // One Documentation Updates item ticked on the summary screen, as the TUI records it.
  tick();
  store.event(id, POST_TICKED, 'alice', postDetail(POST_ITEMS.find((i) => i.id === 'docs.2')!));
}

/** The golden deployment's execution log, recorded in a throw-away state database. */
function recordedLog() {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-golden-'));
  const store = StateStore.open(join(dir, 'state.db'));
  try {
    recordDeployment(store);
    return buildExecutionLog(store, '20261127_220000_ab12');
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Markdown execution log', () => {
  it('matches the golden file for a deployment with a retried step, a skipped step and a rollback', () => {
    const markdown = toMarkdown(recordedLog());
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(markdown).toContain('| 3.2 | Health Check Verification | succeeded | 2 |');
    expect(markdown).toContain('skipped: PWA checked by hand on a phone');
    // 4.3 failed twice, then was skipped: each attempt keeps its own output and the skip its reason.
    const pwa = markdown.slice(markdown.indexOf('### 4.3'), markdown.indexOf('### 5.1'));
    expect(pwa).toContain('manifest: HTTP 502 (first try)');
    expect(pwa).toContain('manifest: HTTP 504 (second try)');
    expect(pwa).toContain('Why: retry after attempt 1 failed: manifest.json did not answer 200');
    expect(pwa).toContain('- Attempt 3: skipped by alice — PWA checked by hand on a phone');
    // Rolled back: the version deployed is not claimed as serving; what R.7 verified is.
    expect(markdown).toContain('- Version Deployed: v1.0.2 (rolled back; serving v1.0.0) on prod');
    expect(markdown).toContain('- Verification Status: ROLLED BACK (deployment rolled_back');
    expect(markdown).toContain('- Outcome: rolled back: serving v1.0.0 (v1.0.2 failed at 5.3)');
    expect(markdown).toContain('4.3 attempt 2 failed: manifest.json did not answer 200');
    expect(markdown).toMatch(/^Chain head: event #\d+ sha256:[0-9a-f]{64}$/m);
    expect(markdown).toContain('- Resolution: Rolled back to v1.0.0');
    expect(markdown).toContain(
      '- [x] docs.2 Record deployment in change log — alice, 2026-11-27T22:',
    );
  });
});

describe('JSON execution log', () => {
  it('keeps every attempt of a failed, retried, then skipped step', () => {
    const pwa = recordedLog().steps.find((s) => s.id === '4.3')!;
    expect(pwa).toMatchObject({
      status: 'skipped',
      attempts: 2,
      reason: 'PWA checked by hand on a phone',
      // The last attempt that ran, not the skip's emptiness.
      exitCode: 1,
      output: 'manifest: HTTP 504 (second try)',
      command: 'echo step 4.3',
    });
    expect(pwa.runs.map((r) => [r.attempt, r.status, r.exitCode, r.output, r.reason])).toEqual([
      [1, 'failed', 1, 'manifest: HTTP 502 (first try)', null],
      [
        2,
        'failed',
        1,
        'manifest: HTTP 504 (second try)',
        'retry after attempt 1 failed: manifest.json did not answer 200',
      ],
      [3, 'skipped', null, '', 'PWA checked by hand on a phone'],
    ]);
    expect(pwa.runs[0]).toMatchObject({ command: 'echo step 4.3', durationMs: 2000 });
    expect(pwa.runs.every((r) => /^[0-9a-f]{64}$/.test(r.digest!))).toBe(true);
  });

  it("describes a rolled-back deployment by the rollback: R.* steps with their runs, and R.7's checks", () => {
    const log = recordedLog();
    expect(log.status).toBe('rolled_back');
    expect(log.verification.of).toBe('rollback');
    expect(log.verification.status).toBe('ROLLED BACK');
    expect(log.outcome).toEqual({
      summary: 'rolled back: serving v1.0.0 (v1.0.2 failed at 5.3)',
      serving: 'v1.0.0',
      failedAt: '5.3',
    });
    expect(log.steps.find((s) => s.id === 'R.7')!.runs).toHaveLength(1);
    expect(log.issues.map((i) => i.text)).toContain(
      '5.3 attempt 1 failed: final health check: status is degraded, not healthy',
    );
  });
});

describe('a v1.0.2 that failed at 3.2 and was rolled back (issue 13)', () => {
  /** 1.1 … 3.1 succeeded, 3.2 failed (/health/database 500), then the Emergency Rollback, as recorded. */
  function rolledBackAt32() {
    const dir = mkdtempSync(join(tmpdir(), 'cvd-golden-rb-'));
    const store = StateStore.open(join(dir, 'state.db'));
    const id = '20261127_230000_cd34';
    try {
      store.createDeployment({
        id,
        target: 'demo',
        operator: 'alice',
        jumpHost: 'jump-1',
        versionFrom: 'v1.0.0',
        versionTo: 'v1.0.2',
        startedAt: Date.now(),
      });
      const run = (stepId: string, status: 'succeeded' | 'failed', summary: string) => {
        tick();
        const n = store.beginAttempt(id, stepId, `echo ${stepId}`, 'alice', 'step started');
        tick();
        store.finishAttempt(id, stepId, n, {
          status,
          exitCode: status === 'succeeded' ? 0 : 1,
          summary,
        });
      };
      for (const step of DEPLOY_STEPS.slice(
        0,
        DEPLOY_STEPS.findIndex((s) => s.id === '3.2'),
      ))
        run(step.id, 'succeeded', `${step.title} done`);
      store.recordFacts(id, '1.3', { previousCommit: 'a'.repeat(40), previousVersion: 'v1.0.0' });
      store.recordFacts(id, '3.2', { healthCode: '200', databaseHealthCode: '500' });
      run('3.2', 'failed', '/health/database did not answer 200: expected 200, got 500');
      store.setMode(id, 'rollback', 'alice');
      for (const step of ROLLBACK_STEPS) run(step.id, 'succeeded', `${step.title} done`);
      // What R.7 read once /health answered: the running tag and commit, and both endpoints' codes.
      store.recordFacts(id, 'R.7', {
        healthCode: '200',
        databaseHealthCode: '200',
        runningCommit: 'a'.repeat(40),
        runningVersion: 'v1.0.0',
      });
      tick();
      store.setStatus(id, 'rolled_back', 'alice');
      return buildExecutionLog(store, id);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("reads rolled back everywhere: version, status, outcome, and R.7's health check as its evidence", () => {
    const log = rolledBackAt32();
    // The JSON keeps its shape; `outcome` is the one field added.
    expect(log).toMatchObject({
      status: 'rolled_back',
      versionFrom: 'v1.0.0',
      versionTo: 'v1.0.2',
    });
    expect(log.outcome).toEqual({
      summary: 'rolled back: serving v1.0.0 (v1.0.2 failed at 3.2)',
      serving: 'v1.0.0',
      failedAt: '3.2',
    });
    expect(log.verification.status).toBe('ROLLED BACK');
    const markdown = toMarkdown(log);
    expect(markdown).toContain('- Version Deployed: v1.0.2 (rolled back; serving v1.0.0) on demo');
    expect(markdown).not.toMatch(/Version Deployed: v1\.0\.2 \(previous/);
    expect(markdown).toContain('- Verification Status: ROLLED BACK (deployment rolled_back');
    expect(markdown).not.toContain('PARTIAL');
    expect(markdown).toContain('- Outcome: rolled back: serving v1.0.0 (v1.0.2 failed at 3.2)');
    expect(markdown).toContain(
      '- Issues Encountered: 3.2 attempt 1 failed: /health/database did not answer 200: expected 200, got 500',
    );
    expect(markdown).toContain(
      '- [x] Health endpoint responding (200 status) — R.7: /health answered HTTP 200',
    );
    expect(markdown).toContain(
      '- [x] Database health endpoint responding (200 status) — R.7: /health/database answered HTTP 200',
    );
  });
});
