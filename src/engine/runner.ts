import type { TargetConfig } from '../config/types.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS, canRollBack } from '../steps/index.js';
import type { Facts, StepContext, StepDef } from '../steps/types.js';
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
}

export class NothingToRollBack extends Error {}

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

  constructor(private readonly o: RunnerOptions) {
    holdDeployment(o.deploymentId);
    this.mask = makeMasker([o.secrets.testPassword, o.target.notifyWebhookUrl]);
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get deployment(): DeploymentRecord {
    return this.o.store.deployment(this.o.deploymentId)!;
  }

  steps(): readonly StepDef[] {
    return this.deployment.mode === 'rollback' ? ROLLBACK_STEPS : DEPLOY_STEPS;
  }

  latestAttempts(): Map<string, AttemptRecord> {
    return new Map(this.o.store.attempts(this.o.deploymentId).map((a) => [a.stepId, a]));
  }

  stepStatus(stepId: string, latest = this.latestAttempts()): StepStatus {
    return latest.get(stepId)?.status ?? 'pending';
  }

  /** The first step not yet succeeded or skipped. */
  nextStep(): StepDef | undefined {
    const latest = this.latestAttempts();
    return this.steps().find(
      (s) => !['succeeded', 'skipped'].includes(this.stepStatus(s.id, latest)),
    );
  }

  context(): StepContext {
    const d = this.deployment;
    const previous = this.o.store.previousSucceeded(d.target, d.startedAt);
    return {
      previousFacts: previous && this.o.store.facts(previous.id),
      target: this.o.target,
      targetName: this.o.targetName,
      operator: this.o.operator,
      deploymentId: d.id,
      startedAt: d.startedAt,
      version: d.versionTo,
      facts: this.o.store.facts(d.id),
      secrets: this.o.secrets,
    };
  }

  /**
   * Runs the next step. A step whose earlier attempt may have partly run
   * (outcome unknown) is re-run only if it is safe to, or the operator says so.
   */
  async runNext(options: { confirmRerun?: boolean } = {}): Promise<StepReport | undefined> {
    const step = this.nextStep();
    if (!step) return undefined;
    const last = this.latestAttempts().get(step.id);
    if (last?.status === 'running')
      return {
        stepId: step.id,
        status: 'unsettled',
        summary: 'still running on the target: resume to follow it',
      };
    if (last?.outcomeUnknown && !step.rerunSafe && !options.confirmRerun)
      return {
        stepId: step.id,
        status: 'blocked',
        summary: `${step.id} may have partly run and is not safe to re-run: check the target, then retry or roll back`,
      };
    const ctx = this.context();
    const script = step.script(ctx);
    if (this.deployment.status === 'failed') await this.setStatus('in_progress');
    const { store } = this.o;
    const attempt = store.beginAttempt(
      ctx.deploymentId,
      step.id,
      this.mask(script),
      this.o.operator,
      last ? 'retried' : 'step started',
    );
    this.emit({ type: 'step-start', stepId: step.id, attempt, command: this.mask(script) });
    const sink = new OutputSink((lines) =>
      store.appendOutput(ctx.deploymentId, step.id, attempt, lines),
    );
    const started = Date.now();
    const journal = this.journalOf(step, attempt);
    const run = (signal?: AbortSignal) =>
      execute(this.o.transport, this.o.target, script, {
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

  /** Runs steps until one does not succeed, the phase ends (`phase`), or the deployment ends. */
  async runMany(
    scope: 'phase' | 'all',
    options: { confirmRerun?: boolean } = {},
  ): Promise<StepReport | undefined> {
    // Every step done yet the deployment open: cvd-tui died between the last step's record and the
    // deployment's end (status, lock). Without this, resume reported it "paused" forever.
    if (!this.nextStep() && UNFINISHED.includes(this.deployment.status)) await this.finishIfDone();
    const phase = this.nextStep()?.phase;
    let report: StepReport | undefined;
    for (
      let step = this.nextStep();
      step && (scope === 'all' || step.phase === phase);
      step = this.nextStep()
    ) {
      report = await this.runNext(options);
      if (report?.status !== 'succeeded') break;
    }
    return report;
  }

  async skip(reason: string): Promise<void> {
    const step = this.nextStep();
    if (!step) return;
    this.o.store.skip(this.o.deploymentId, step.id, reason, this.o.operator);
    this.emit({
      type: 'step-end',
      stepId: step.id,
      status: 'skipped',
      summary: `skipped: ${reason}`,
      warnings: [],
      durationMs: 0,
      outcomeUnknown: false,
    });
    if (this.deployment.status === 'failed') await this.setStatus('in_progress');
    await this.finishIfDone();
  }

  /** Switches to the Emergency Rollback; its steps then run like any others. */
  startRollback(options: { restoreDatabase?: boolean } = {}): void {
    const facts = this.o.store.facts(this.o.deploymentId);
    if (!canRollBack(facts))
      throw new NothingToRollBack(
        'Nothing to roll back: 1.3 has not recorded the previous version and backups, so nothing on the target was changed by this deployment.',
      );
    if (options.restoreDatabase)
      this.o.store.recordFacts(this.o.deploymentId, 'R', { forceDatabaseRestore: '1' });
    this.o.store.setMode(this.o.deploymentId, 'rollback', this.o.operator);
    this.emit({ type: 'status', status: 'in_progress', detail: 'rollback started' });
  }

  async abandon(reason: string): Promise<void> {
    await this.setStatus('abandoned', reason);
  }

  /** Re-checks the target against what the state expects at the current step (drift.ts); undefined: the target cannot be asked. */
  async checkDrift(): Promise<string[] | undefined> {
    const d = this.deployment;
    return checkDrift(this.o.transport, this.o.target, {
      version: d.versionTo,
      mode: d.mode,
      steps: this.steps(),
      latest: this.latestAttempts(),
      facts: this.o.store.facts(d.id),
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
    const dir = this.journalOf(step, attempt.attempt);
    if (!dir)
      return this.fail(
        step,
        attempt.attempt,
        'interrupted before it finished (read-only: safe to run again)',
        false,
      );
    const state = await journalState(this.o.transport, this.o.target, dir);
    if (!state)
      return {
        stepId: step.id,
        status: 'unsettled',
        summary: 'the target cannot be reached to read the step journal',
      };
    if (state.kind === 'absent')
      return this.fail(
        step,
        attempt.attempt,
        'never started on the target (cvd-tui stopped before launching it)',
        false,
      );
    if (state.kind === 'died') {
      await this.keepJournalFacts(step, attempt.attempt, dir);
      return this.fail(
        step,
        attempt.attempt,
        'its process on the target is gone without an exit status: it may have partly run',
        true,
      );
    }
    const execution =
      state.kind === 'running'
        ? await followRunning(this.o.transport, this.o.target, dir, {
            timeoutMs: this.timeoutMs(step),
            onLine: (line, fact) =>
              this.emit({ type: 'line', stepId: step.id, line: this.mask(line), fact }),
          })
        : ({ kind: 'exited', code: state.code, output: '', facts: {} } as Execution);
    return this.conclude(step, attempt.attempt, execution, attempt.startedAt);
  }

  /** `stored`: the output already in the state store for this attempt, as it streamed (unmasked). */
  private async conclude(
    step: StepDef,
    attempt: number,
    execution: Execution,
    started: number,
    stored?: string,
  ): Promise<StepReport> {
    const { store } = this.o;
    const id = this.o.deploymentId;
    const dir = this.journalOf(step, attempt);
    let settled = execution;
    if (dir) {
      // The journal on the target holds the complete output, and the real status when the wire lost it.
      if (settled.kind === 'unsettled') {
        const state = await journalState(this.o.transport, this.o.target, dir);
        if (state?.kind === 'finished')
          settled = { kind: 'exited', code: state.code, output: '', facts: {} };
        else if (state?.kind === 'died') {
          await this.keepJournalFacts(step, attempt, dir);
          return this.fail(
            step,
            attempt,
            `${settled.reason}; the step's process is gone without an exit status`,
            true,
          );
        }
      }
      // Re-read unless the store already holds the whole output: it streamed, marker to marker.
      const reread = settled.kind === 'exited' && !(settled.streamedWhole && stored !== undefined);
      const journal = reread
        ? await journalAttempt(this.o.transport, this.o.target, dir)
        : undefined;
      if (settled.kind === 'exited' && journal) {
        // The journal's rc and its nonce-checked facts are the truth; the stream may have lost lines.
        const output = this.mask(journal.output);
        settled = {
          kind: 'exited',
          code: journal.exitCode ?? settled.code,
          output,
          facts: journal.facts,
        };
        // Usually the journal says what streamed: rewriting the same rows froze the TUI (200,000 lines: ~0.5 s).
        if (journal.output !== stored)
          store.replaceOutput(id, step.id, attempt, output.split('\n'));
      } else if (settled.kind === 'exited' && settled.code === JOURNAL_UNWRITABLE)
        return this.fail(
          step,
          attempt,
          `could not start the step: its journal ${dir} cannot be written as ${this.o.target.useSudo ? this.o.target.appUser : 'the login user'} ` +
            '(see the output; `cvd-tui sudoers` prints the rules the operator needs)',
          false,
        );
    }
    if (settled.kind === 'unsettled') {
      if (!dir) return this.fail(step, attempt, settled.reason, false);
      const summary = `${settled.reason}; outcome unknown until the target can be asked (cvd-tui resume)`;
      this.emit({
        type: 'step-end',
        stepId: step.id,
        status: 'running',
        summary,
        warnings: [],
        durationMs: Date.now() - started,
        outcomeUnknown: true,
      });
      return { stepId: step.id, status: 'unsettled', summary };
    }
    const facts = this.maskFacts(settled.facts);
    store.recordFacts(id, step.id, facts);
    const ctx = this.context();
    const verdict = step.verify({ exitCode: settled.code, output: settled.output, facts }, ctx);
    if (verdict.ok && step.local) {
      const log = (line: string) => {
        store.appendOutput(id, step.id, attempt, [this.mask(line)]);
        this.emit({ type: 'line', stepId: step.id, line: this.mask(line) });
      };
      store.recordFacts(id, step.id, await step.local(ctx, log));
    }
    store.finishAttempt(id, step.id, attempt, {
      status: verdict.ok ? 'succeeded' : 'failed',
      exitCode: settled.code,
      summary: verdict.summary,
    });
    this.emit({
      type: 'step-end',
      stepId: step.id,
      status: verdict.ok ? 'succeeded' : 'failed',
      summary: verdict.summary,
      warnings: verdict.warnings,
      durationMs: Date.now() - started,
      outcomeUnknown: false,
    });
    if (!verdict.ok) await this.setStatus('failed', `${step.id} ${verdict.summary}`);
    else await this.finishIfDone();
    return {
      stepId: step.id,
      status: verdict.ok ? 'succeeded' : 'failed',
      summary: verdict.summary,
    };
  }

  /**
   * Keeps the output and facts a step printed before it died. Without them
   * a rollback after 2.3 died mid-migration saw no `migrationStarted` and
   * kept the migrated database under the old code (test/integration/crash-resume).
   */
  private async keepJournalFacts(step: StepDef, attempt: number, dir: string): Promise<void> {
    const journal = await journalAttempt(this.o.transport, this.o.target, dir);
    if (!journal) return;
    const output = this.mask(journal.output);
    this.o.store.replaceOutput(this.o.deploymentId, step.id, attempt, output.split('\n'));
    this.o.store.recordFacts(this.o.deploymentId, step.id, this.maskFacts(journal.facts));
  }

  /** Facts are stored and exported like output: masked. */
  private maskFacts(facts: Facts): Facts {
    return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, this.mask(v)]));
  }

  private async fail(
    step: StepDef,
    attempt: number,
    summary: string,
    outcomeUnknown: boolean,
  ): Promise<StepReport> {
    this.o.store.finishAttempt(this.o.deploymentId, step.id, attempt, {
      status: 'failed',
      exitCode: null,
      summary,
      outcomeUnknown,
    });
    this.emit({
      type: 'step-end',
      stepId: step.id,
      status: 'failed',
      summary,
      warnings: [],
      durationMs: 0,
      outcomeUnknown,
    });
    await this.setStatus('failed', `${step.id} ${summary}`);
    return { stepId: step.id, status: 'failed', summary };
  }

  private async finishIfDone(): Promise<void> {
    if (this.nextStep()) return;
    await this.setStatus(this.deployment.mode === 'rollback' ? 'rolled_back' : 'succeeded');
  }

  /** Records the status; a deployment that ended leaves its log on the target and gives up the deploy lock. */
  private async setStatus(status: DeploymentRecord['status'], detail?: string): Promise<void> {
    this.o.store.setStatus(this.o.deploymentId, status, this.o.operator, detail);
    if (status === 'succeeded' || status === 'rolled_back' || status === 'abandoned') {
      await this.leaveServerCopy();
      await releaseLock(this.o.transport, this.o.target, this.o.deploymentId);
    }
    this.emit({ type: 'status', status, detail });
  }

  /** The server's own copy of the log: a failure to write it is a warning, never a failed deployment. */
  private async leaveServerCopy(): Promise<void> {
    const { store, deploymentId, operator } = this.o;
    const copy = await writeServerCopy(this.o.transport, store, this.o.target, deploymentId).catch(
      (error: unknown) => ({ failed: (error as Error).message }),
    );
    if ('written' in copy)
      return store.event(deploymentId, 'server copy written', operator, copy.written);
    store.event(deploymentId, 'server copy failed', operator, copy.failed);
    this.emit({
      type: 'warning',
      message: `the execution log could not be left on the target (${copy.failed}); keep an export of it: cvd-tui export ${deploymentId}`,
    });
  }

  private journalOf(step: StepDef, attempt: number): string | undefined {
    return step.mutates.length
      ? journalDir(this.o.target.paths.deployments, this.o.deploymentId, step.id, attempt)
      : undefined;
  }

  private timeoutMs(step: StepDef): number {
    return (step.timeoutSeconds?.(this.o.target) ?? this.o.target.timeouts.stepSeconds) * 1000;
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
