import type { TargetConfig } from '../config/types.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS, canRollBack } from '../steps/index.js';
import type { Marked } from '../steps/facts.js';
import type { Facts, LocalAction, StepContext, StepDef } from '../steps/types.js';
import type { StateStore } from '../state/store.js';
import {
  UNFINISHED,
  type AttemptRecord,
  type DeploymentRecord,
  type StepStatus,
} from '../state/types.js';
import type { Transport } from '../transport/types.js';
import { holdDeployment } from './deployment.js';
import { checkDrift } from './drift.js';
import type { EngineEvent, EngineListener } from './events.js';
import {
  execute,
  followRunning,
  journalAttempt,
  journalState,
  JOURNAL_UNWRITABLE,
  type Execution,
} from './execute.js';
import { interruptible, interrupted } from './interrupt.js';
import { journalDir } from './journal.js';
import { releaseLock } from './lock.js';
import { makeMasker } from './mask.js';
import { OutputSink } from './output-sink.js';
import { writeServerCopy } from './server-copy.js';
import { nextStepOf } from './target-state.js';
import { errorMessage } from '../util/error.js';
import { deploymentOutcome, type Outcome } from '../export/outcome.js';
import { cli } from '../util/invocation.js';

export interface RunnerOptions {
  store: StateStore;
  transport: Transport;
  target: TargetConfig;
  targetName: string;
  deploymentId: string;
  operator: string;
  secrets: StepContext['secrets'];
}

/** How one step run ended. `unsettled`: no exit status yet (see Execution); `blocked`: needs the operator. */
export interface StepReport {
  stepId: string;
  status: 'succeeded' | 'failed' | 'unsettled' | 'blocked';
  summary: string;
  /** A read-only step an interruption stopped before it ended (recorded failed): running it again changes nothing. */
  stopped?: boolean;
}

export class NothingToRollBack extends Error {}

export interface RerunOptions {
  /** Re-run a step that may have partly run and is not safe to re-run: the operator checked the target. */
  confirmRerun?: boolean;
}

type Exited = Extract<Execution, { kind: 'exited' }>;

/** How an attempt ended once settled: an exit status to verify, no status yet, or failed without one. */
type Ending =
  | Exited
  | { kind: 'unsettled'; reason: string }
  | { kind: 'failed'; summary: string; outcomeUnknown: boolean };

/**
 * What a step-end event says; `started` absent: the attempt is not timed (0 ms).
 * `ranMs`: how long it ran, as the target's journal measured it (a step that
 * ended while cvd-tui was dead); absent: until now.
 */
interface StepEnd {
  status: StepStatus;
  summary: string;
  warnings?: string[];
  started?: number;
  ranMs?: number;
  outcomeUnknown?: boolean;
}

/** How an attempt ended, as the store records it. */
interface AttemptEnd extends StepEnd {
  status: 'succeeded' | 'failed';
  exitCode: number | null;
}

/**
 * Runs a deployment's steps through a transport. Every transition is
 * committed to the state store before the step's command starts and after it
 * ends; what happens in between is recoverable from the remote journal.
 * Imports nothing from Ink: screens and the headless printer subscribe.
 */
export class Runner {
  private readonly listeners = new Set<EngineListener>();
  /** Masks secrets in everything shown, stored or exported. */
  readonly mask: (text: string) => string;

  constructor(private readonly options: RunnerOptions) {
    holdDeployment(options.deploymentId);
    this.mask = makeMasker([options.secrets.testPassword, options.target.notifyWebhookUrl]);
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get deployment(): DeploymentRecord {
    return this.options.store.deployment(this.options.deploymentId)!;
  }

  steps(): readonly StepDef[] {
    return this.deployment.mode === 'rollback' ? ROLLBACK_STEPS : DEPLOY_STEPS;
  }

  latestAttempts(): Map<string, AttemptRecord> {
    return new Map(
      this.options.store.attempts(this.options.deploymentId).map((a) => [a.stepId, a]),
    );
  }

  /** How the deployment ended (or stands), in the words every front end and the export use. */
  outcome(): Outcome {
    const d = this.deployment;
    return deploymentOutcome(d, this.options.store.facts(d.id), this.latestAttempts());
  }

  stepStatus(stepId: string, latest = this.latestAttempts()): StepStatus {
    return latest.get(stepId)?.status ?? 'pending';
  }

  /** The first step not yet succeeded or skipped. */
  nextStep(): StepDef | undefined {
    return nextStepOf(this.steps(), this.latestAttempts());
  }

  context(): StepContext {
    const d = this.deployment;
    const previous = this.options.store.previousSucceeded(d.target, d.startedAt);
    return {
      previousFacts: previous && this.options.store.facts(previous.id),
      target: this.options.target,
      targetName: this.options.targetName,
      operator: this.options.operator,
      deploymentId: d.id,
      startedAt: d.startedAt,
      version: d.versionTo,
      facts: this.options.store.facts(d.id),
      secrets: this.options.secrets,
    };
  }

  /**
   * Runs the next step. A step whose earlier attempt may have partly run
   * (outcome unknown) is re-run only if it is safe to, or the operator says so.
   */
  async runNext({ confirmRerun = false }: RerunOptions = {}): Promise<StepReport | undefined> {
    const step = this.nextStep();
    if (!step) return undefined;
    const last = this.latestAttempts().get(step.id);
    if (last?.status === 'running')
      return {
        stepId: step.id,
        status: 'unsettled',
        summary: 'still running on the target: resume to follow it',
      };
    if (last?.outcomeUnknown && !step.rerunSafe && !confirmRerun)
      return {
        stepId: step.id,
        status: 'blocked',
        summary: `${step.id} may have partly run and is not safe to re-run: check the target, then retry or roll back`,
      };
    const ctx = this.context();
    const script = step.script(ctx);
    if (this.deployment.status === 'failed') await this.setStatus('in_progress');
    const { store, transport, target, operator } = this.options;
    const attempt = store.beginAttempt(
      ctx.deploymentId,
      step.id,
      this.mask(script),
      operator,
      last ? 'retried' : 'step started',
    );
    this.emit({ type: 'step-start', stepId: step.id, attempt, command: this.mask(script) });
    const sink = new OutputSink((lines) =>
      store.appendOutput(ctx.deploymentId, step.id, attempt, lines),
    );
    const started = Date.now();
    const journal = this.journalOf(step, attempt);
    const run = (signal?: AbortSignal) =>
      execute(transport, target, script, {
        journal,
        stdin: step.stdin?.(ctx),
        timeoutMs: this.timeoutMs(step),
        signal,
        onLine: (line, fact) => {
          const masked = this.mask(line);
          sink.push(masked);
          this.emit({ type: 'line', stepId: step.id, line: masked, fact });
        },
      });
    // A journaled step goes on after an interrupt; a read-only one is ended with cvd-tui.
    const execution = await (journal ? run() : interruptible(run));
    await sink.drain();
    // cvd-tui is exiting: the attempt stays running, and resume settles it as an interrupted read-only step.
    if (execution.kind === 'unsettled' && interrupted())
      return {
        stepId: step.id,
        status: 'unsettled',
        summary: 'interrupted (read-only: resume runs it again)',
      };
    return this.conclude(step, attempt, execution, started, execution.output);
  }

  /**
   * Runs steps until one does not succeed, the phase ends (`phase`), the
   * step `through` has run, or the deployment ends.
   */
  async runMany(
    scope: 'phase' | 'all' | { through: string },
    rerun: RerunOptions = {},
  ): Promise<StepReport | undefined> {
    // Every step done yet the deployment open: cvd-tui died between the last step's record and the
    // deployment's end (status, lock). Without this, resume reported it "paused" forever.
    if (!this.nextStep() && UNFINISHED.includes(this.deployment.status)) await this.finishIfDone();
    const phase = this.nextStep()?.phase;
    const ids = this.steps().map((s) => s.id);
    const within = (step: StepDef) =>
      scope === 'all' ||
      (scope === 'phase'
        ? step.phase === phase
        : ids.indexOf(step.id) <= ids.indexOf(scope.through));
    let report: StepReport | undefined;
    for (let step = this.nextStep(); step && within(step); step = this.nextStep()) {
      report = await this.runNext(rerun);
      if (report?.status !== 'succeeded') break;
    }
    return report;
  }

  async skip(reason: string): Promise<void> {
    const step = this.nextStep();
    if (!step) return;
    const { store, deploymentId, operator } = this.options;
    store.skip(deploymentId, step.id, reason, operator);
    // The status says "skipped"; the summary is the reason (store.skip records the same).
    this.emitStepEnd(step, { status: 'skipped', summary: reason });
    if (this.deployment.status === 'failed') await this.setStatus('in_progress');
    await this.finishIfDone();
  }

  /** Switches to the Emergency Rollback; its steps then run like any others. */
  startRollback({ restoreDatabase = false }: { restoreDatabase?: boolean } = {}): void {
    const { store, deploymentId, operator } = this.options;
    if (!canRollBack(store.facts(deploymentId)))
      throw new NothingToRollBack(
        'Nothing to roll back: 1.3 has not recorded the previous version and backups, so nothing on the target was changed by this deployment.',
      );
    if (restoreDatabase) store.recordFacts(deploymentId, 'R', { forceDatabaseRestore: '1' });
    store.setMode(deploymentId, 'rollback', operator);
    this.emit({ type: 'status', status: 'in_progress', detail: 'rollback started' });
  }

  async abandon(reason: string): Promise<void> {
    await this.setStatus('abandoned', reason);
  }

  /** Re-checks the target against what the state expects at the current step (drift.ts); undefined: the target cannot be asked. */
  async checkDrift(): Promise<string[] | undefined> {
    const d = this.deployment;
    return checkDrift(this.options.transport, this.options.target, {
      version: d.versionTo,
      mode: d.mode,
      steps: this.steps(),
      latest: this.latestAttempts(),
      facts: this.options.store.facts(d.id),
    });
  }

  /**
   * Settles attempts a crash or a lost connection left `running`: from the
   * journal when the step was journaled (finished: its real outcome; still
   * running: follow it to the end; gone without a status: outcome unknown),
   * as interrupted when it was read-only (safe to run again).
   */
  async settleInterrupted(): Promise<StepReport[]> {
    const reports: StepReport[] = [];
    for (const attempt of this.latestAttempts().values()) {
      if (attempt.status !== 'running') continue;
      const step = [...DEPLOY_STEPS, ...ROLLBACK_STEPS].find((s) => s.id === attempt.stepId)!;
      reports.push(await this.settleOne(step, attempt));
    }
    return reports;
  }

  private async settleOne(step: StepDef, attempt: AttemptRecord): Promise<StepReport> {
    const { transport, target } = this.options;
    const dir = this.journalOf(step, attempt.attempt);
    if (!dir)
      return {
        ...(await this.fail(step, attempt.attempt, {
          summary: 'stopped by an interruption before it finished (read-only: runs again)',
          outcomeUnknown: false,
        })),
        stopped: true,
      };
    const state = await journalState(transport, target, dir);
    if (!state)
      return {
        stepId: step.id,
        status: 'unsettled',
        summary: 'the target cannot be reached to read the step journal',
      };
    if (state.kind === 'absent')
      return this.fail(step, attempt.attempt, {
        summary: 'never started on the target (cvd-tui stopped before launching it)',
        outcomeUnknown: false,
      });
    if (state.kind === 'died') {
      await this.keepJournalFacts(step, attempt.attempt, dir);
      return this.fail(step, attempt.attempt, {
        summary: 'its process on the target is gone without an exit status: it may have partly run',
        outcomeUnknown: true,
      });
    }
    const execution =
      state.kind === 'running'
        ? await followRunning(transport, target, dir, {
            timeoutMs: this.timeoutMs(step),
            onLine: (line, fact) =>
              this.emit({ type: 'line', stepId: step.id, line: this.mask(line), fact }),
          })
        : ({ kind: 'exited', code: state.code, output: '', facts: {} } as Execution);
    // Ended while cvd-tui was away: timed as it ran on the target, not until this resume.
    const ranMs = state.kind === 'finished' ? state.ranMs : undefined;
    return this.conclude(step, attempt.attempt, execution, attempt.startedAt, undefined, ranMs);
  }

  /**
   * Ends an attempt whose command returned: settle how it ended, then record
   * it as failed, as still unknown, or as verified.
   * `stored`: the output already in the state store for this attempt, as it streamed.
   */
  private async conclude(
    step: StepDef,
    attempt: number,
    execution: Execution,
    started: number,
    stored?: string,
    ranMs?: number,
  ): Promise<StepReport> {
    const ending = await this.settle(step, attempt, execution, stored);
    if (ending.kind === 'failed') return this.fail(step, attempt, ending);
    if (ending.kind === 'unsettled') return this.leaveUnsettled(step, ending.reason, started);
    return this.judge(step, attempt, ending, started, ranMs);
  }

  /**
   * How the attempt ended. A read-only step's execution says it all; a
   * journaled step's journal on the target is the truth: it holds the real
   * status when the wire lost it, and the complete output and facts.
   */
  private async settle(
    step: StepDef,
    attempt: number,
    execution: Execution,
    stored: string | undefined,
  ): Promise<Ending> {
    const dir = this.journalOf(step, attempt);
    if (!dir)
      return execution.kind === 'exited'
        ? execution
        : { kind: 'failed', summary: execution.reason, outcomeUnknown: false };
    const ended =
      execution.kind === 'exited'
        ? execution
        : await this.askJournal(step, attempt, dir, execution.reason);
    if (ended.kind !== 'exited') return ended;
    // Re-read unless the store already holds the whole output: it streamed, marker to marker.
    const streamedWhole = ended.streamedWhole === true && stored !== undefined;
    const journal = streamedWhole
      ? undefined
      : await journalAttempt(this.options.transport, this.options.target, dir);
    if (journal) {
      // The journal's rc and its nonce-checked facts are the truth; the stream may have lost lines.
      const output = this.keepJournalOutput(step, attempt, journal, stored);
      return { kind: 'exited', code: journal.exitCode ?? ended.code, output, facts: journal.facts };
    }
    if (ended.code === JOURNAL_UNWRITABLE)
      return { kind: 'failed', summary: this.unwritableJournal(dir), outcomeUnknown: false };
    return ended;
  }

  /** The exit status the journal recorded when the wire lost it; `unsettled` while the journal cannot say. */
  private async askJournal(
    step: StepDef,
    attempt: number,
    dir: string,
    reason: string,
  ): Promise<Ending> {
    const state = await journalState(this.options.transport, this.options.target, dir);
    if (state?.kind === 'finished')
      return { kind: 'exited', code: state.code, output: '', facts: {} };
    if (state?.kind !== 'died') return { kind: 'unsettled', reason };
    await this.keepJournalFacts(step, attempt, dir);
    return {
      kind: 'failed',
      summary: `${reason}; the step's process is gone without an exit status`,
      outcomeUnknown: true,
    };
  }

  private unwritableJournal(dir: string): string {
    const { target } = this.options;
    return (
      `could not start the step: its journal ${dir} cannot be written as ${target.useSudo ? target.appUser : 'the login user'} ` +
      `(see the output; \`${cli('sudoers')}\` prints the rules the operator needs)`
    );
  }

  /** The attempt stays `running` in the store: only the target can say how it ended. */
  private leaveUnsettled(step: StepDef, reason: string, started: number): StepReport {
    const summary = `${reason}; outcome unknown until the target can be asked (cvd-tui resume)`;
    this.emitStepEnd(step, { status: 'running', summary, started, outcomeUnknown: true });
    return { stepId: step.id, status: 'unsettled', summary };
  }

  /**
   * Verifies an exited attempt against its facts, runs its jump-host part if
   * it passed, and records the verdict: with the facts, in one transaction,
   * unless the jump-host part needs the facts recorded before it runs.
   */
  private async judge(
    step: StepDef,
    attempt: number,
    exited: Exited,
    started: number,
    ranMs?: number,
  ): Promise<StepReport> {
    const { store, deploymentId } = this.options;
    const facts = this.maskFacts(exited.facts);
    // What the store will hold once the facts are in: a later fact of the same key replaces an earlier one.
    const recorded = this.context();
    const ctx = { ...recorded, facts: { ...recorded.facts, ...facts } };
    const verdict = step.verify({ exitCode: exited.code, output: exited.output, facts }, ctx);
    const local = verdict.ok ? step.local : undefined;
    if (local) {
      store.recordFacts(deploymentId, step.id, facts);
      await this.runLocal(step, attempt, local, ctx);
    }
    const end: AttemptEnd = {
      status: verdict.ok ? 'succeeded' : 'failed',
      exitCode: exited.code,
      summary: verdict.summary,
      warnings: verdict.warnings,
      started,
      ranMs,
    };
    return this.endAttempt(step, attempt, end, local ? undefined : facts);
  }

  /** A step's work on the jump host: its lines join the attempt's output, its facts the deployment's. */
  private async runLocal(
    step: StepDef,
    attempt: number,
    local: LocalAction,
    ctx: StepContext,
  ): Promise<void> {
    const { store, deploymentId } = this.options;
    const log = (line: string) => {
      store.appendOutput(deploymentId, step.id, attempt, [this.mask(line)]);
      this.emit({ type: 'line', stepId: step.id, line: this.mask(line) });
    };
    store.recordFacts(deploymentId, step.id, await local.run(ctx, log));
  }

  /**
   * Keeps the output and facts a step printed before it died. Without them
   * a rollback after 2.3 died mid-migration saw no `migrationStarted` and
   * kept the migrated database under the old code (test/integration/crash-resume).
   */
  private async keepJournalFacts(step: StepDef, attempt: number, dir: string): Promise<void> {
    const { store, transport, target, deploymentId } = this.options;
    const journal = await journalAttempt(transport, target, dir);
    if (!journal) return;
    this.keepJournalOutput(step, attempt, journal);
    store.recordFacts(deploymentId, step.id, this.maskFacts(journal.facts));
  }

  /**
   * The journal's complete output, masked, in place of what streamed (`stored`, if known).
   * Usually the journal says what streamed: rewriting the same rows froze the TUI (200,000 lines: ~0.5 s).
   */
  private keepJournalOutput(
    step: StepDef,
    attempt: number,
    journal: Marked,
    stored?: string,
  ): string {
    const { store, deploymentId } = this.options;
    const output = this.mask(journal.output);
    if (journal.output !== stored)
      store.replaceOutput(deploymentId, step.id, attempt, output.split('\n'));
    return output;
  }

  /** Facts are stored and exported like output: masked. */
  private maskFacts(facts: Facts): Facts {
    return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, this.mask(v)]));
  }

  /** An attempt that ended without a verdict: no exit status, or the step could not start. */
  private fail(
    step: StepDef,
    attempt: number,
    failure: { summary: string; outcomeUnknown: boolean },
  ): Promise<StepReport> {
    return this.endAttempt(step, attempt, { status: 'failed', exitCode: null, ...failure });
  }

  /**
   * Records how an attempt ended (with `facts`, in the same transaction),
   * tells the listeners, and moves the deployment on (failed, or done).
   */
  private async endAttempt(
    step: StepDef,
    attempt: number,
    end: AttemptEnd,
    facts: Facts = {},
  ): Promise<StepReport> {
    const { status, exitCode, summary, outcomeUnknown, started, ranMs } = end;
    const { store, deploymentId } = this.options;
    store.atomically(() => {
      store.recordFacts(deploymentId, step.id, facts);
      store.finishAttempt(deploymentId, step.id, attempt, {
        status,
        exitCode,
        summary,
        outcomeUnknown,
        finishedAt: started !== undefined && ranMs !== undefined ? started + ranMs : undefined,
      });
    });
    this.emitStepEnd(step, end);
    if (status === 'failed') await this.setStatus('failed', `${step.id} ${summary}`);
    else await this.finishIfDone();
    return { stepId: step.id, status, summary };
  }

  /** The one place a step-end event is built. */
  private emitStepEnd(step: StepDef, end: StepEnd): void {
    this.emit({
      type: 'step-end',
      stepId: step.id,
      status: end.status,
      summary: end.summary,
      warnings: end.warnings ?? [],
      durationMs: end.started === undefined ? 0 : (end.ranMs ?? Date.now() - end.started),
      outcomeUnknown: end.outcomeUnknown ?? false,
    });
  }

  private async finishIfDone(): Promise<void> {
    if (this.nextStep()) return;
    await this.setStatus(this.deployment.mode === 'rollback' ? 'rolled_back' : 'succeeded');
  }

  /** Records the status; a deployment that ended leaves its log on the target and gives up the deploy lock. */
  private async setStatus(status: DeploymentRecord['status'], detail?: string): Promise<void> {
    const { store, transport, target, deploymentId, operator } = this.options;
    store.setStatus(deploymentId, status, operator, detail);
    if (status === 'succeeded' || status === 'rolled_back' || status === 'abandoned') {
      await this.leaveServerCopy();
      await releaseLock(transport, target, deploymentId);
    }
    this.emit({ type: 'status', status, detail });
  }

  /** The server's own copy of the log: a failure to write it is a warning, never a failed deployment. */
  private async leaveServerCopy(): Promise<void> {
    const { store, transport, target, deploymentId, operator } = this.options;
    const copy = await writeServerCopy(transport, store, target, deploymentId).catch(
      (error: unknown) => ({ failed: errorMessage(error) }),
    );
    if ('written' in copy)
      return store.event(deploymentId, 'server copy written', operator, copy.written);
    store.event(deploymentId, 'server copy failed', operator, copy.failed);
    this.emit({
      type: 'warning',
      message: `the execution log could not be left on the target (${copy.failed}); keep an export of it: ${cli(`export ${deploymentId}`)}`,
    });
  }

  private journalOf(step: StepDef, attempt: number): string | undefined {
    const { target, deploymentId } = this.options;
    return step.mutates.length
      ? journalDir(target.paths.deployments, deploymentId, step.id, attempt)
      : undefined;
  }

  private timeoutMs(step: StepDef): number {
    return (
      (step.timeoutSeconds?.(this.options.target) ?? this.options.target.timeouts.stepSeconds) *
      1000
    );
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
