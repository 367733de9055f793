/**
 * A state database with a long history: `count` finished deployments of one
 * target, each recorded as cvd-tui records one (checklist, 17 attempts with
 * their command and a few output lines, events, facts), then one unfinished
 * deployment, the newest, failed at 3.2. Rows are written with the store's
 * own schema (StateStore.open migrates it), in one transaction.
 */
import { CHECKLIST, DEPLOY_STEPS, StateStore } from './product.js';
import type { DeploymentStatus } from '../src/state/types.js';

const HOUR = 3_600_000;
/** About the size of a step's stored script (every attempt keeps its command). */
const COMMAND = `set -u -o pipefail\n${'echo "=== a step of the CVD runbook, as cvd-tui stores it ==="\n'.repeat(16)}`;

/** The runbook's DEPLOYMENT_DATE format plus a suffix, as newDeploymentId makes them. */
const idAt = (ms: number, n: number) =>
  `${new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)}_${(n % 0x10000).toString(16).padStart(4, '0')}`;

export function seedHistory(path: string, target: string, count: number): { unfinishedId: string } {
  const store = StateStore.open(path);
  const db = store.db;
  const now = Date.now();
  const insert = {
    deployment: db.prepare(
      `INSERT INTO deployments (id, target, operator, jump_host, version_from, version_to, mode, status, started_at, finished_at)
       VALUES (?, ?, ?, 'jump-1', ?, ?, ?, ?, ?, ?)`,
    ),
    checklist: db.prepare(
      `INSERT INTO checklist (deployment_id, item_id, checked, by, at) VALUES (?, ?, 1, ?, ?)`,
    ),
    attempt: db.prepare(
      `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, finished_at, exit_code, command, summary, by)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    output: db.prepare(
      `INSERT INTO output (deployment_id, step_id, attempt, seq, text) VALUES (?, ?, 1, ?, ?)`,
    ),
    event: db.prepare(
      `INSERT INTO events (deployment_id, at, type, actor, detail) VALUES (?, ?, ?, ?, ?)`,
    ),
    fact: db.prepare(
      `INSERT INTO facts (deployment_id, key, value, step_id, at) VALUES (?, ?, ?, ?, ?)`,
    ),
  };

  /** One deployment whose steps up to `stopAt` (exclusive; all when absent) succeeded and `stopAt` failed. */
  const record = (n: number, startedAt: number, status: DeploymentStatus, stopAt?: string) => {
    const id = idAt(startedAt, n);
    const operator = `operator${n % 7}`;
    const from = `v1.${Math.floor(n / 100)}.${n % 100}`;
    const to = `v1.${Math.floor((n + 1) / 100)}.${(n + 1) % 100}`;
    const finished = status === 'failed' ? null : startedAt + 15 * 60_000;
    insert.deployment.run(
      id,
      target,
      operator,
      from,
      to,
      status === 'rolled_back' ? 'rollback' : 'deploy',
      status,
      startedAt,
      finished,
    );
    insert.event.run(id, startedAt, 'started', operator, `deploy ${to} to ${target}`);
    CHECKLIST.forEach((item, i) => {
      insert.checklist.run(id, item.id, operator, startedAt + i * 1000);
      insert.event.run(id, startedAt + i * 1000, 'checklist ticked', operator, item.id);
    });
    let at = startedAt + 60_000;
    for (const step of DEPLOY_STEPS) {
      const failed = step.id === stopAt;
      insert.attempt.run(
        id,
        step.id,
        failed ? 'failed' : 'succeeded',
        at,
        at + 20_000,
        failed ? 1 : 0,
        COMMAND,
        failed ? 'health check failed (HTTP 503)' : `${step.title} done`,
        operator,
      );
      insert.event.run(id, at, 'step started', operator, `${step.id} attempt 1`);
      for (let seq = 1; seq <= 5; seq++)
        insert.output.run(id, step.id, seq, `${step.id} output line ${seq} of deployment ${id}`);
      at += 30_000;
      if (failed) break;
    }
    insert.fact.run(id, 'previousCommit', 'ab'.repeat(20), '1.3', startedAt + 120_000);
    insert.fact.run(
      id,
      'dbBackup',
      `/opt/cvd/backups/pre_deploy_${id}.db`,
      '1.3',
      startedAt + 120_000,
    );
    insert.event.run(id, at, `status ${status}`, operator, stopAt ? `${stopAt} failed` : null);
    return id;
  };

  let unfinishedId = '';
  db.transaction(() => {
    // One every 6 hours, ending a day ago: mostly succeeded, some rolled back or abandoned.
    const first = now - 24 * HOUR - count * 6 * HOUR;
    for (let n = 0; n < count; n++) {
      const status: DeploymentStatus =
        n % 20 === 7 ? 'rolled_back' : n % 50 === 13 ? 'abandoned' : 'succeeded';
      record(n, first + n * 6 * HOUR, status);
    }
    unfinishedId = record(count, now - HOUR, 'failed', '3.2');
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { unfinishedId };
}
