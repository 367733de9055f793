import type Database from 'better-sqlite3';
import type { DeploymentStatus, EventRecord, Mode, StepStatus } from './types.js';

/** A `deployments` row as the schema (state/schema.ts) keeps it. */
export interface DeploymentRow {
  id: string;
  target: string;
  operator: string;
  jump_host: string;
  version_from: string | null;
  version_to: string;
  mode: Mode;
  status: DeploymentStatus;
  started_at: number;
  finished_at: number | null;
  resolution: string | null;
}

/** An `attempts` row. */
export interface AttemptRow {
  step_id: string;
  attempt: number;
  status: Exclude<StepStatus, 'pending'>;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  command: string | null;
  summary: string | null;
  reason: string | null;
  by: string | null;
  /** 0 or 1. */
  outcome_unknown: number;
}

/** A `checklist` row; `checked` and `evidence_ok` are 0 or 1 (`evidence_ok` null: nothing to check). */
export interface ChecklistRow {
  item_id: string;
  checked: number;
  by: string | null;
  at: number | null;
  evidence: string | null;
  evidence_ok: number | null;
  reason: string | null;
}

/** `@target` null: any target. */
type AnyTarget = { target: string | null };

/** Returns the statement `prepare` makes, making it on the first call only. */
function once<S>(prepare: () => S): () => S {
  let statement: S | undefined;
  return () => (statement ??= prepare());
}

/**
 * Every statement the store runs, each prepared on first use and then
 * reused, each typed once with its parameters and its row.
 */
export function statements(db: Database.Database) {
  const sql = <Params extends unknown[] | object, Row = unknown>(text: string) =>
    once(() => db.prepare<Params, Row>(text));
  /** A query of one column: its rows are that column's values. */
  const column = <Params extends unknown[], Value>(text: string) =>
    once(() => db.prepare<Params, Value>(text).pluck());
  return {
    insertDeployment: sql<[string, string, string, string, string | null, string, number]>(
      `INSERT INTO deployments (id, target, operator, jump_host, version_from, version_to, status, started_at)
       VALUES (?, ?, ?, ?, ?, ?, 'in_progress', ?)`,
    ),
    deployment: sql<[string], DeploymentRow>('SELECT * FROM deployments WHERE id = ?'),
    latestUnfinished: sql<AnyTarget, DeploymentRow>(
      `SELECT * FROM deployments WHERE status IN ('in_progress', 'failed') AND (@target IS NULL OR target = @target)
       ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    ),
    latest: sql<AnyTarget, DeploymentRow>(
      'SELECT * FROM deployments WHERE (@target IS NULL OR target = @target) ORDER BY started_at DESC, rowid DESC LIMIT 1',
    ),
    previousSucceeded: sql<[string, number], DeploymentRow>(
      "SELECT * FROM deployments WHERE target = ? AND status = 'succeeded' AND started_at < ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
    ),
    deployments: sql<[number], DeploymentRow>(
      'SELECT * FROM deployments ORDER BY started_at DESC, rowid DESC LIMIT ?',
    ),
    setStatus: sql<[DeploymentStatus, number | null, string]>(
      'UPDATE deployments SET status = ?, finished_at = ? WHERE id = ?',
    ),
    setMode: sql<[Mode, string]>(
      "UPDATE deployments SET mode = ?, status = 'in_progress', finished_at = NULL WHERE id = ?",
    ),
    setVersionFrom: sql<[string, string]>('UPDATE deployments SET version_from = ? WHERE id = ?'),
    setResolution: sql<[string, string]>('UPDATE deployments SET resolution = ? WHERE id = ?'),
    deleteDeployment: sql<[string]>('DELETE FROM deployments WHERE id = ?'),
    /** Every table that keeps rows of a deployment, whichever the schema has. */
    tablesWithDeployments: column<[], string>(
      "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'deployment_id'",
    ),
    tick: sql<
      [string, string, number, string | null, number, string | null, number | null, string | null]
    >(
      `INSERT INTO checklist (deployment_id, item_id, checked, by, at, evidence, evidence_ok, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (deployment_id, item_id) DO UPDATE SET checked = excluded.checked, by = excluded.by,
         at = excluded.at, evidence = excluded.evidence, evidence_ok = excluded.evidence_ok, reason = excluded.reason`,
    ),
    checklist: sql<[string], ChecklistRow>('SELECT * FROM checklist WHERE deployment_id = ?'),
    nextAttempt: column<[string, string], number>(
      'SELECT COALESCE(MAX(attempt), 0) + 1 FROM attempts WHERE deployment_id = ? AND step_id = ?',
    ),
    insertRunningAttempt: sql<[string, string, number, number, string, string]>(
      `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, command, by)
       VALUES (?, ?, ?, 'running', ?, ?, ?)`,
    ),
    finishAttempt: sql<
      ['succeeded' | 'failed', number, number | null, string, number, string, string, number]
    >(
      `UPDATE attempts SET status = ?, finished_at = ?, exit_code = ?, summary = ?, outcome_unknown = ?
       WHERE deployment_id = ? AND step_id = ? AND attempt = ?`,
    ),
    insertSkippedAttempt: sql<[string, string, number, number, number, string, string, string]>(
      `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, finished_at, summary, reason, by)
       VALUES (?, ?, ?, 'skipped', ?, ?, ?, ?, ?)`,
    ),
    attempts: sql<[string], AttemptRow>(
      'SELECT * FROM attempts WHERE deployment_id = ? ORDER BY started_at, rowid',
    ),
    attempt: sql<[string, string, number], AttemptRow>(
      'SELECT * FROM attempts WHERE deployment_id = ? AND step_id = ? AND attempt = ?',
    ),
    lastOutputSeq: column<[string, string, number], number>(
      'SELECT COALESCE(MAX(seq), 0) FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ?',
    ),
    insertOutput: sql<[string, string, number, number, string]>(
      'INSERT INTO output (deployment_id, step_id, attempt, seq, text) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteOutput: sql<[string, string, number]>(
      'DELETE FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ?',
    ),
    /** One page of an attempt's output after `seq`: [seq, text] rows. */
    outputPage: once(() =>
      db
        .prepare<[string, string, number, number, number], [number, string]>(
          'SELECT seq, text FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ? AND seq > ? ORDER BY seq LIMIT ?',
        )
        .raw(),
    ),
    upsertFact: sql<[string, string, string, string, number]>(
      `INSERT INTO facts (deployment_id, key, value, step_id, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (deployment_id, key) DO UPDATE SET value = excluded.value, step_id = excluded.step_id, at = excluded.at`,
    ),
    facts: sql<[string], { key: string; value: string }>(
      'SELECT key, value FROM facts WHERE deployment_id = ?',
    ),
    events: sql<[string], EventRecord>(
      'SELECT seq, at, type, actor, detail, digest, hash FROM events WHERE deployment_id = ? ORDER BY id',
    ),
    insertIssue: sql<[string, number, string, string]>(
      'INSERT INTO issues (deployment_id, at, by, text) VALUES (?, ?, ?, ?)',
    ),
    issues: sql<[string], { at: number; by: string; text: string }>(
      'SELECT at, by, text FROM issues WHERE deployment_id = ? ORDER BY id',
    ),
  };
}

export type Statements = ReturnType<typeof statements>;
