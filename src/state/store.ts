import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { runDigest, type ChainHead } from './chain.js';
import { appendEvent, chainHead } from './chain-store.js';
import { openDatabase, type OpenOptions } from './open.js';
import type {
  AttemptRecord,
  ChecklistRecord,
  DeploymentRecord,
  DeploymentStatus,
  EventRecord,
  Mode,
} from './types.js';

type Row = Record<string, unknown>;

const toDeployment = (r: Row): DeploymentRecord => ({
  id: r.id as string,
  target: r.target as string,
  operator: r.operator as string,
  jumpHost: r.jump_host as string,
  versionFrom: (r.version_from as string | null) ?? null,
  versionTo: r.version_to as string,
  mode: r.mode as Mode,
  status: r.status as DeploymentStatus,
  startedAt: r.started_at as number,
  finishedAt: (r.finished_at as number | null) ?? null,
  resolution: (r.resolution as string | null) ?? null,
});

const toAttempt = (r: Row): AttemptRecord => ({
  stepId: r.step_id as string,
  attempt: r.attempt as number,
  status: r.status as AttemptRecord['status'],
  startedAt: r.started_at as number,
  finishedAt: (r.finished_at as number | null) ?? null,
  exitCode: (r.exit_code as number | null) ?? null,
  command: (r.command as string | null) ?? null,
  summary: (r.summary as string | null) ?? null,
  reason: (r.reason as string | null) ?? null,
  by: (r.by as string | null) ?? null,
  outcomeUnknown: r.outcome_unknown === 1,
});

export interface NewDeployment {
  id: string;
  target: string;
  operator: string;
  jumpHost: string;
  versionFrom: string | null;
  versionTo: string;
  startedAt: number;
}

/**
 * The durable record of every deployment. Each method is one transaction
 * that is on disk when it returns (WAL, synchronous=FULL), so the state a
 * crash leaves behind is always one the engine wrote on purpose.
 */
export class StateStore {
  /** The file this store opened: a deleted or replaced file must stop every write (StateLost). */
  private readonly file: { dev: number; ino: number } | undefined;

  private constructor(readonly db: Database.Database) {
    if (!db.memory) {
      const { dev, ino } = statSync(db.name);
      this.file = { dev, ino };
    }
  }

  static open(path: string, options: OpenOptions = {}): StateStore {
    return new StateStore(openDatabase(path, options));
  }

  /**
   * Before every write: is the state database still the file this store
   * opened? SQLite goes on writing to a deleted file's inode, so a deleted
   * state directory let a deployment "succeed" into a file no one can read.
   */
  private checkFile(): void {
    if (!this.file) return;
    const now = statSync(this.db.name, { throwIfNoEntry: false });
    if (!now || now.dev !== this.file.dev || now.ino !== this.file.ino)
      throw new StateLost(this.db.name, now ? 'replaced' : 'deleted');
  }

  close(): void {
    this.db.close();
  }

  createDeployment(d: NewDeployment): DeploymentRecord {
    this.checkFile();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO deployments (id, target, operator, jump_host, version_from, version_to, status, started_at)
           VALUES (?, ?, ?, ?, ?, ?, 'in_progress', ?)`,
        )
        .run(d.id, d.target, d.operator, d.jumpHost, d.versionFrom, d.versionTo, d.startedAt);
      this.insertEvent(
        d.id,
        'started',
        d.operator,
        `deploy ${d.versionTo} to ${d.target}`,
        d.startedAt,
      );
    })();
    return this.deployment(d.id)!;
  }

  deployment(id: string): DeploymentRecord | undefined {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as
      Row | undefined;
    return row && toDeployment(row);
  }

  /** The newest deployment (of a target, when given) that is neither finished nor abandoned. */
  latestUnfinished(target?: string): DeploymentRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM deployments WHERE status IN ('in_progress', 'failed') AND (@target IS NULL OR target = @target)
         ORDER BY started_at DESC, rowid DESC LIMIT 1`,
      )
      .get({ target: target ?? null }) as Row | undefined;
    return row && toDeployment(row);
  }

  latest(target?: string): DeploymentRecord | undefined {
    const row = this.db
      .prepare(
        'SELECT * FROM deployments WHERE (@target IS NULL OR target = @target) ORDER BY started_at DESC, rowid DESC LIMIT 1',
      )
      .get({ target: target ?? null }) as Row | undefined;
    return row && toDeployment(row);
  }

  /** The last deployment of `target` that succeeded before `before` (ms), for baseline comparison. */
  previousSucceeded(target: string, before: number): DeploymentRecord | undefined {
    const row = this.db
      .prepare(
        "SELECT * FROM deployments WHERE target = ? AND status = 'succeeded' AND started_at < ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
      )
      .get(target, before) as Row | undefined;
    return row && toDeployment(row);
  }

  deployments(limit = 50): DeploymentRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM deployments ORDER BY started_at DESC, rowid DESC LIMIT ?')
        .all(limit) as Row[]
    ).map(toDeployment);
  }

  setStatus(id: string, status: DeploymentStatus, actor: string, detail?: string): void {
    this.checkFile();
    const finished = status === 'in_progress' || status === 'failed' ? null : Date.now();
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE deployments SET status = ?, finished_at = ? WHERE id = ?')
        .run(status, finished, id);
      this.insertEvent(id, `status ${status}`, actor, detail ?? null);
    })();
  }

  setMode(id: string, mode: Mode, actor: string): void {
    this.checkFile();
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE deployments SET mode = ?, status = 'in_progress', finished_at = NULL WHERE id = ?",
        )
        .run(mode, id);
      this.insertEvent(
        id,
        mode === 'rollback' ? 'rollback started' : 'deploy resumed',
        actor,
        null,
      );
    })();
  }

  /** The version that was running before, once the deployment's checks have read it. */
  setVersionFrom(id: string, versionFrom: string): void {
    this.checkFile();
    this.db.prepare('UPDATE deployments SET version_from = ? WHERE id = ?').run(versionFrom, id);
  }

  /** Removes every record of a deployment that never ran anything (its lock or checks refused it). */
  forgetDeployment(id: string): void {
    this.checkFile();
    this.db.transaction(() => {
      // Every table that keeps rows of a deployment, whichever the schema has.
      const tables = this.db
        .prepare(
          "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'deployment_id'",
        )
        .pluck()
        .all() as string[];
      for (const table of tables)
        this.db.prepare(`DELETE FROM "${table}" WHERE deployment_id = ?`).run(id);
      this.db.prepare('DELETE FROM deployments WHERE id = ?').run(id);
    })();
  }

  setResolution(id: string, resolution: string): void {
    this.checkFile();
    this.db.prepare('UPDATE deployments SET resolution = ? WHERE id = ?').run(resolution, id);
  }

  tick(id: string, item: Omit<ChecklistRecord, 'at'>): void {
    this.checkFile();
    this.db
      .prepare(
        `INSERT INTO checklist (deployment_id, item_id, checked, by, at, evidence, evidence_ok, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id, item_id) DO UPDATE SET checked = excluded.checked, by = excluded.by,
           at = excluded.at, evidence = excluded.evidence, evidence_ok = excluded.evidence_ok, reason = excluded.reason`,
      )
      .run(
        id,
        item.itemId,
        item.checked ? 1 : 0,
        item.by,
        Date.now(),
        item.evidence,
        item.evidenceOk === null ? null : item.evidenceOk ? 1 : 0,
        item.reason,
      );
  }

  checklist(id: string): ChecklistRecord[] {
    return (
      this.db.prepare('SELECT * FROM checklist WHERE deployment_id = ?').all(id) as Row[]
    ).map((r) => ({
      itemId: r.item_id as string,
      checked: r.checked === 1,
      by: (r.by as string | null) ?? null,
      at: (r.at as number | null) ?? null,
      evidence: (r.evidence as string | null) ?? null,
      evidenceOk: r.evidence_ok === null ? null : r.evidence_ok === 1,
      reason: (r.reason as string | null) ?? null,
    }));
  }

  /** Write-ahead: the attempt is durably `running` before its command starts. */
  beginAttempt(id: string, stepId: string, command: string, actor: string, event: string): number {
    this.checkFile();
    return this.db.transaction(() => {
      const { next } = this.db
        .prepare(
          'SELECT COALESCE(MAX(attempt), 0) + 1 AS next FROM attempts WHERE deployment_id = ? AND step_id = ?',
        )
        .get(id, stepId) as { next: number };
      this.db
        .prepare(
          `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, command, by)
           VALUES (?, ?, ?, 'running', ?, ?, ?)`,
        )
        .run(id, stepId, next, Date.now(), command, actor);
      this.insertEvent(id, event, actor, `${stepId} attempt ${next}`);
      return next;
    })();
  }

  /** An attempt rebuilt from the target's journal (recover), `running` until the runner settles it from there. */
  recoveredAttempt(
    id: string,
    stepId: string,
    attempt: number,
    command: string,
    actor: string,
  ): void {
    this.checkFile();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, command, by)
           VALUES (?, ?, ?, 'running', ?, ?, ?)`,
        )
        .run(id, stepId, attempt, Date.now(), command, actor);
      this.insertEvent(id, 'recovered', actor, `${stepId} attempt ${attempt}`);
    })();
  }

  finishAttempt(
    id: string,
    stepId: string,
    attempt: number,
    result: {
      status: 'succeeded' | 'failed';
      exitCode: number | null;
      summary: string;
      outcomeUnknown?: boolean;
    },
  ): void {
    this.checkFile();
    const now = Date.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE attempts SET status = ?, finished_at = ?, exit_code = ?, summary = ?, outcome_unknown = ?
         WHERE deployment_id = ? AND step_id = ? AND attempt = ?`,
        )
        .run(
          result.status,
          now,
          result.exitCode,
          result.summary,
          result.outcomeUnknown ? 1 : 0,
          id,
          stepId,
          attempt,
        );
      this.insertEvent(
        id,
        `step ${result.status}`,
        this.attempt(id, stepId, attempt).by ?? 'cvd-tui',
        `${stepId} attempt ${attempt}: ${result.summary}`,
        now,
        this.attemptDigest(id, stepId, attempt),
      );
    })();
  }

  skip(id: string, stepId: string, reason: string, actor: string): void {
    this.checkFile();
    this.db.transaction(() => {
      const { next } = this.db
        .prepare(
          'SELECT COALESCE(MAX(attempt), 0) + 1 AS next FROM attempts WHERE deployment_id = ? AND step_id = ?',
        )
        .get(id, stepId) as { next: number };
      const now = Date.now();
      this.db
        .prepare(
          `INSERT INTO attempts (deployment_id, step_id, attempt, status, started_at, finished_at, summary, reason, by)
           VALUES (?, ?, ?, 'skipped', ?, ?, ?, ?, ?)`,
        )
        .run(id, stepId, next, now, now, `skipped: ${reason}`, reason, actor);
      this.insertEvent(
        id,
        'skipped',
        actor,
        `${stepId}: ${reason}`,
        now,
        this.attemptDigest(id, stepId, next),
      );
    })();
  }

  attempts(id: string): AttemptRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM attempts WHERE deployment_id = ? ORDER BY started_at, rowid')
        .all(id) as Row[]
    ).map(toAttempt);
  }

  private attempt(id: string, stepId: string, attempt: number): AttemptRecord {
    return toAttempt(
      this.db
        .prepare('SELECT * FROM attempts WHERE deployment_id = ? AND step_id = ? AND attempt = ?')
        .get(id, stepId, attempt) as Row,
    );
  }

  /** What the chain records of an ended attempt: its row and its whole output. */
  attemptDigest(id: string, stepId: string, attempt: number): string {
    return runDigest({
      ...this.attempt(id, stepId, attempt),
      output: this.output(id, stepId, attempt),
    });
  }

  /** Appends output lines of one attempt in one transaction (callers batch them). */
  appendOutput(id: string, stepId: string, attempt: number, lines: readonly string[]): void {
    if (!lines.length) return;
    this.checkFile();
    this.db.transaction(() => {
      const { last } = this.db
        .prepare(
          'SELECT COALESCE(MAX(seq), 0) AS last FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ?',
        )
        .get(id, stepId, attempt) as { last: number };
      const insert = this.db.prepare(
        'INSERT INTO output (deployment_id, step_id, attempt, seq, text) VALUES (?, ?, ?, ?, ?)',
      );
      lines.forEach((line, i) => insert.run(id, stepId, attempt, last + i + 1, line));
    })();
  }

  /** Replaces an attempt's output, when the journal on the target holds the complete copy. */
  replaceOutput(id: string, stepId: string, attempt: number, lines: readonly string[]): void {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ?')
        .run(id, stepId, attempt);
      this.appendOutput(id, stepId, attempt, lines);
    })();
  }

  output(id: string, stepId: string, attempt: number): string {
    const rows = this.db
      .prepare(
        'SELECT text FROM output WHERE deployment_id = ? AND step_id = ? AND attempt = ? ORDER BY seq',
      )
      .pluck()
      .all(id, stepId, attempt) as string[];
    return rows.join('\n');
  }

  recordFacts(id: string, stepId: string, facts: Record<string, string>): void {
    this.checkFile();
    const entries = Object.entries(facts);
    if (!entries.length) return;
    this.db.transaction(() => {
      const upsert = this.db.prepare(
        `INSERT INTO facts (deployment_id, key, value, step_id, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id, key) DO UPDATE SET value = excluded.value, step_id = excluded.step_id, at = excluded.at`,
      );
      for (const [key, value] of entries) upsert.run(id, key, value, stepId, Date.now());
    })();
  }

  facts(id: string): Record<string, string> {
    const rows = this.db
      .prepare('SELECT key, value FROM facts WHERE deployment_id = ?')
      .all(id) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  event(id: string, type: string, actor: string, detail?: string): void {
    this.checkFile();
    this.insertEvent(id, type, actor, detail ?? null);
  }

  events(id: string): EventRecord[] {
    return this.db
      .prepare(
        'SELECT seq, at, type, actor, detail, digest, hash FROM events WHERE deployment_id = ? ORDER BY id',
      )
      .all(id) as EventRecord[];
  }

  chainHead(id: string): ChainHead | undefined {
    return chainHead(this.db, id);
  }

  addIssue(id: string, by: string, text: string): void {
    this.checkFile();
    this.db
      .prepare('INSERT INTO issues (deployment_id, at, by, text) VALUES (?, ?, ?, ?)')
      .run(id, Date.now(), by, text);
  }

  issues(id: string): { at: number; by: string; text: string }[] {
    return this.db
      .prepare('SELECT at, by, text FROM issues WHERE deployment_id = ? ORDER BY id')
      .all(id) as { at: number; by: string; text: string }[];
  }

  private insertEvent(
    id: string,
    type: string,
    actor: string,
    detail: string | null,
    at = Date.now(),
    digest: string | null = null,
  ): void {
    appendEvent(this.db, { deploymentId: id, at, type, actor, detail, digest });
  }
}

/** The state database was deleted or replaced under a running cvd-tui: stop, and say how to get the record back. */
export class StateLost extends Error {
  constructor(
    readonly path: string,
    how: 'deleted' | 'replaced',
  ) {
    super(
      `the state database ${path} was ${how} while cvd-tui was using it, so it stopped: nothing after the step under way was run.\n` +
        "  The target keeps the journal of every step. Rebuild the deployment's record from it with\n" +
        '  `cvd-tui recover` (same --config, --state and --target), then `cvd-tui resume` or `cvd-tui rollback`.',
    );
    this.name = 'StateLost';
  }
}
