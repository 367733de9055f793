import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { runDigest, type ChainHead } from './chain.js';
import { appendEvent, chainHead } from './chain-store.js';
import { JoinedLines } from '../util/joined-lines.js';
import { openDatabase, type OpenOptions } from './open.js';
import {
  statements,
  type AttemptRow,
  type ChecklistRow,
  type DeploymentRow,
  type Statements,
} from './statements.js';
import type {
  AttemptRecord,
  ChecklistRecord,
  DeploymentRecord,
  DeploymentStatus,
  EventRecord,
  Mode,
} from './types.js';
import { cli } from '../util/invocation.js';

/** Rows per read of an attempt's output (store.output). */
const OUTPUT_PAGE = 10_000;

const toDeployment = (r: DeploymentRow): DeploymentRecord => ({
  id: r.id,
  target: r.target,
  operator: r.operator,
  jumpHost: r.jump_host,
  versionFrom: r.version_from,
  versionTo: r.version_to,
  mode: r.mode,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  resolution: r.resolution,
});

const toAttempt = (r: AttemptRow): AttemptRecord => ({
  stepId: r.step_id,
  attempt: r.attempt,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  exitCode: r.exit_code,
  command: r.command,
  summary: r.summary,
  reason: r.reason,
  by: r.by,
  outcomeUnknown: r.outcome_unknown === 1,
});

const toChecklistItem = (r: ChecklistRow): ChecklistRecord => ({
  itemId: r.item_id,
  checked: r.checked === 1,
  by: r.by,
  at: r.at,
  evidence: r.evidence,
  evidenceOk: r.evidence_ok === null ? null : r.evidence_ok === 1,
  reason: r.reason,
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
  private readonly sql: Statements;

  private constructor(readonly db: Database.Database) {
    this.sql = statements(db);
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
  checkFile(): void {
    if (!this.file) return;
    const now = statSync(this.db.name, { throwIfNoEntry: false });
    if (!now || now.dev !== this.file.dev || now.ino !== this.file.ino)
      throw new StateLost(this.db.name, now ? 'replaced' : 'deleted');
  }

  close(): void {
    this.db.close();
  }

  /**
   * Runs several of this store's writes as one transaction: one commit (one
   * fsync) instead of one each, and a crash keeps all of them or none.
   */
  atomically<T>(writes: () => T): T {
    return this.db.transaction(writes)();
  }

  createDeployment(d: NewDeployment): DeploymentRecord {
    this.checkFile();
    this.db.transaction(() => {
      this.sql
        .insertDeployment()
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
    const row = this.sql.deployment().get(id);
    return row && toDeployment(row);
  }

  /** The newest deployment (of a target, when given) that is neither finished nor abandoned. */
  latestUnfinished(target?: string): DeploymentRecord | undefined {
    const row = this.sql.latestUnfinished().get({ target: target ?? null });
    return row && toDeployment(row);
  }

  latest(target?: string): DeploymentRecord | undefined {
    const row = this.sql.latest().get({ target: target ?? null });
    return row && toDeployment(row);
  }

  /** The last deployment of `target` that succeeded before `before` (ms), for baseline comparison. */
  previousSucceeded(target: string, before: number): DeploymentRecord | undefined {
    const row = this.sql.previousSucceeded().get(target, before);
    return row && toDeployment(row);
  }

  deployments(limit = 50): DeploymentRecord[] {
    return this.sql.deployments().all(limit).map(toDeployment);
  }

  setStatus(id: string, status: DeploymentStatus, actor: string, detail?: string): void {
    this.checkFile();
    const finished = status === 'in_progress' || status === 'failed' ? null : Date.now();
    this.db.transaction(() => {
      this.sql.setStatus().run(status, finished, id);
      this.insertEvent(id, `status ${status}`, actor, detail ?? null);
    })();
  }

  setMode(id: string, mode: Mode, actor: string): void {
    this.checkFile();
    this.db.transaction(() => {
      this.sql.setMode().run(mode, id);
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
    this.sql.setVersionFrom().run(versionFrom, id);
  }

  /** Removes every record of a deployment that never ran anything (its lock or checks refused it). */
  forgetDeployment(id: string): void {
    this.checkFile();
    this.db.transaction(() => {
      // Prepared here: the tables are the schema's, and forgetting is rare (a refused deployment).
      for (const table of this.sql.tablesWithDeployments().all())
        this.db.prepare(`DELETE FROM "${table}" WHERE deployment_id = ?`).run(id);
      this.sql.deleteDeployment().run(id);
    })();
  }

  setResolution(id: string, resolution: string): void {
    this.checkFile();
    this.sql.setResolution().run(resolution, id);
  }

  tick(id: string, item: Omit<ChecklistRecord, 'at'>): void {
    this.checkFile();
    this.sql
      .tick()
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
    return this.sql.checklist().all(id).map(toChecklistItem);
  }

  /** Write-ahead: the attempt is durably `running` before its command starts. */
  beginAttempt(id: string, stepId: string, command: string, actor: string, event: string): number {
    this.checkFile();
    return this.db.transaction(() => {
      const next = this.nextAttempt(id, stepId);
      this.sql.insertRunningAttempt().run(id, stepId, next, Date.now(), command, actor);
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
      this.sql.insertRunningAttempt().run(id, stepId, attempt, Date.now(), command, actor);
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
      /** When it ended, if not now: a step that ended on the target while cvd-tui was dead. */
      finishedAt?: number;
    },
  ): void {
    this.checkFile();
    const now = Date.now();
    this.db.transaction(() => {
      this.sql
        .finishAttempt()
        .run(
          result.status,
          result.finishedAt ?? now,
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
      const next = this.nextAttempt(id, stepId);
      const now = Date.now();
      this.sql
        .insertSkippedAttempt()
        // Its summary is the reason alone: every view puts the status before it ("skipped: skipped: …").
        .run(id, stepId, next, now, now, reason, reason, actor);
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
    return this.sql.attempts().all(id).map(toAttempt);
  }

  /** The attempt number a new attempt of `stepId` gets. */
  private nextAttempt(id: string, stepId: string): number {
    return this.sql.nextAttempt().get(id, stepId)!;
  }

  /** An attempt the caller knows exists (it has just written it). */
  private attempt(id: string, stepId: string, attempt: number): AttemptRecord {
    return toAttempt(this.sql.attempt().get(id, stepId, attempt)!);
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
      const last = this.sql.lastOutputSeq().get(id, stepId, attempt)!;
      const insert = this.sql.insertOutput();
      lines.forEach((line, i) => insert.run(id, stepId, attempt, last + i + 1, line));
    })();
  }

  /** Replaces an attempt's output, when the journal on the target holds the complete copy. */
  replaceOutput(id: string, stepId: string, attempt: number, lines: readonly string[]): void {
    this.db.transaction(() => {
      this.sql.deleteOutput().run(id, stepId, attempt);
      this.appendOutput(id, stepId, attempt, lines);
    })();
  }

  /**
   * An attempt's whole output, read a page at a time: all at once, a flood's
   * 200,000 rows came back as one array, whose growing copies were most of the
   * memory a flooding step's end took.
   */
  output(id: string, stepId: string, attempt: number): string {
    const joined = new JoinedLines();
    for (let after = 0; ;) {
      const page = this.sql.outputPage().all(id, stepId, attempt, after, OUTPUT_PAGE);
      for (const [, text] of page) joined.push(text);
      if (page.length < OUTPUT_PAGE) return joined.text();
      after = page[page.length - 1]![0];
    }
  }

  recordFacts(id: string, stepId: string, facts: Record<string, string>): void {
    this.checkFile();
    const entries = Object.entries(facts);
    if (!entries.length) return;
    this.db.transaction(() => {
      const upsert = this.sql.upsertFact();
      for (const [key, value] of entries) upsert.run(id, key, value, stepId, Date.now());
    })();
  }

  facts(id: string): Record<string, string> {
    return Object.fromEntries(
      this.sql
        .facts()
        .all(id)
        .map((r) => [r.key, r.value]),
    );
  }

  event(id: string, type: string, actor: string, detail?: string): void {
    this.checkFile();
    this.insertEvent(id, type, actor, detail ?? null);
  }

  events(id: string): EventRecord[] {
    return this.sql.events().all(id);
  }

  chainHead(id: string): ChainHead | undefined {
    return chainHead(this.db, id);
  }

  addIssue(id: string, by: string, text: string): void {
    this.checkFile();
    this.sql.insertIssue().run(id, Date.now(), by, text);
  }

  issues(id: string): { at: number; by: string; text: string }[] {
    return this.sql.issues().all(id);
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
        `  \`${cli('recover')}\` (same --config, --state and --target), then \`${cli('resume')}\` or \`${cli('rollback')}\`.`,
    );
    this.name = 'StateLost';
  }
}
