import type { EngineEvent } from '../engine/events.js';
import { Runner, type RerunOptions, type StepReport } from '../engine/runner.js';
import { abandonDeployment } from '../engine/workflows/abandon.js';
import { beginDeployment } from '../engine/workflows/begin.js';
import { resumeDeployment, type ResumeOptions } from '../engine/workflows/resume.js';
import { newDeploymentId } from '../engine/deployment.js';
import { checklistComplete } from '../engine/deployment.js';
import { FleetStore, type FleetHostRecord, type FleetRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import { UNFINISHED, type DeploymentStatus } from '../state/types.js';
import { InputError } from '../util/exit.js';
import { errorMessage } from '../util/error.js';
import { allSettledOrThrow, eachAtMost } from '../util/pool.js';
import type { StepContext } from '../steps/types.js';
import { fleetView } from './build-view.js';
import type { FleetHostHandle } from './checks.js';
import { holdFleet } from './in-hand.js';
import { firstBreach, healthBreaches, type HealthGate } from './health-gate.js';
import { abandonUnchanged, rollBackInOrder, rollbackOrder } from './rollback.js';
import { haltsRollout, resumeStop, skipRefusal } from './rules.js';
import { FLEET_PARALLELISM } from './parallelism.js';
import type { FleetHalt, FleetView } from './view.js';

/** What a fleet reports: each host's own engine events, prefixed by the host, and the fleet's moves. */
export type FleetEvent =
  | { type: 'host'; host: string; event: EngineEvent }
  | { type: 'fleet'; status: DeploymentStatus; halted: FleetHalt | null; detail: string };

export type FleetListener = (event: FleetEvent) => void;

/** Where a fleet stands when a call returns: `halted` set, nothing new starts until the operator acts. */
export interface FleetOutcome {
  status: DeploymentStatus;
  halted: FleetHalt | null;
}

export interface FleetRunnerOptions {
  store: StateStore;
  fleetId: string;
  /** Every member, each with its own connection and workflow context. */
  hosts: readonly FleetHostHandle[];
  secrets: StepContext['secrets'];
  /** After a host's deployment is begun: headless ticks its checklist by flag; the TUI leaves it to the screen. */
  confirmChecklist?: (deploymentId: string) => void;
  /** @default FLEET_PARALLELISM */
  parallelism?: number;
  /** Read before each batch starts, on every host already deployed. @default healthBreaches */
  healthGate?: HealthGate;
}

/**
 * Rolls one version across a fleet on top of the single-host engine: each
 * host has its own deployment (lock, journal, facts) begun, resumed and
 * rolled back by the same workflows as a lone target, and its own Runner.
 * The fleet only orders them: phase 1 on every host, the canary hosts one
 * after another through every phase, then the batches, each in parallel.
 * A failure (beyond maxFailures; on a canary, always) halts it: no host
 * starts a new step; each running host finishes the step it is in.
 * Every move is recorded before it is reported, so `fleetView` (the state)
 * is always the truth and a killed rollout resumes where each host stopped.
 */
export class FleetRunner {
  private readonly listeners = new Set<FleetListener>();
  private readonly runners = new Map<string, Runner>();
  private readonly fleets: FleetStore;
  private readonly handles: Map<string, FleetHostHandle>;

  constructor(private readonly options: FleetRunnerOptions) {
    this.fleets = new FleetStore(options.store);
    this.handles = new Map(options.hosts.map((h) => [h.name, h]));
    holdFleet(options.fleetId, this.fleet.name);
  }

  on(listener: FleetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get fleet(): FleetRecord {
    return this.fleets.fleet(this.options.fleetId)!;
  }

  view(): FleetView {
    return fleetView(this.options.store, this.options.fleetId);
  }

  private get records(): FleetHostRecord[] {
    return this.fleets.hosts(this.options.fleetId);
  }

  /** The host's single-host runner (its deployment begun), for its phase screen and panes. */
  runnerOf(host: string): Runner | undefined {
    const existing = this.runners.get(host);
    if (existing) return existing;
    const record = this.records.find((h) => h.host === host);
    const handle = this.handles.get(host);
    if (!record?.deploymentId || !handle || !this.options.store.deployment(record.deploymentId))
      return undefined;
    const { ctx } = handle;
    const runner = new Runner({
      store: ctx.store,
      transport: ctx.transport,
      target: ctx.target,
      targetName: ctx.targetName,
      deploymentId: record.deploymentId,
      operator: ctx.operator,
      secrets: this.options.secrets,
    });
    runner.on((event) => this.emit({ type: 'host', host, event }));
    this.runners.set(host, runner);
    return runner;
  }

  /**
   * Begins the deployment of every host that has none yet (checks recorded,
   * its lock taken; nothing run). Its id is linked to the fleet first, so a
   * run killed in between leaves it findable.
   */
  async begin(): Promise<void> {
    const fleet = this.fleet;
    await this.pool(
      this.records.filter((h) => h.skipReason === null),
      async (h) => {
        const { ctx } = this.handles.get(h.host)!;
        let id = h.deploymentId;
        if (!id || !this.options.store.deployment(id)) {
          id = newDeploymentId();
          this.fleets.linkHost(fleet.id, h.host, id);
          await beginDeployment(ctx, fleet.versionTo, id);
          ctx.store.event(
            id,
            'fleet',
            ctx.operator,
            `host ${h.host} of fleet ${fleet.id} (${fleet.name})`,
          );
        }
        // Also for a host begun by a run killed before its checklist was ticked.
        if (UNFINISHED.includes(this.options.store.deployment(id)!.status))
          this.options.confirmChecklist?.(id);
      },
    );
  }

  /** Every host's checklist is ticked (the fleet's one checklist: ticked on every host). */
  checklistComplete(): boolean {
    return this.records.every(
      (h) =>
        h.skipReason !== null ||
        (h.deploymentId !== null && checklistComplete(this.options.store, h.deploymentId)),
    );
  }

  /**
   * Runs the rollout from wherever the state says each host stands: begins
   * what is not begun, prepares every host (phase 1), then the canary, then
   * each batch. Returns when it is done or halted.
   */
  async run(): Promise<FleetOutcome> {
    this.setHalt(null);
    this.setStatus('in_progress', 'rollout running');
    await this.begin();
    if (!this.checklistComplete())
      throw new Error(
        `the checklist of fleet ${this.options.fleetId} is not ticked on every host: tick it, then run the fleet`,
      );
    const plan = this.view().plan;
    await this.pool(this.records, (h) => this.drive(h.host, '1'));
    for (const host of plan.canary) {
      if (this.fleet.halt) break;
      await this.drive(host);
    }
    for (const batch of plan.batches) {
      if (this.fleet.halt || (await this.breached())) break;
      await allSettledOrThrow(batch.map((host) => this.drive(host)));
    }
    return this.conclude();
  }

  /**
   * Reopens every host's unfinished deployment through the single-host
   * resume workflow (lock back, drift checked, interrupted steps settled),
   * then runs the rollout on. A host that cannot be settled halts it.
   */
  async resume(
    options: Pick<ResumeOptions, 'announce'> = { announce: true },
  ): Promise<FleetOutcome> {
    const open = this.records.filter((h) => {
      const d = h.deploymentId && this.options.store.deployment(h.deploymentId);
      return h.skipReason === null && d && UNFINISHED.includes(d.status);
    });
    const stops: FleetHalt[] = [];
    await this.pool(open, async (h) => {
      const runner = this.runnerOf(h.host)!;
      const outcome = await resumeDeployment(this.handles.get(h.host)!.ctx, runner, {
        ...options,
        confirmChecklist: this.options.confirmChecklist,
      });
      const stop = resumeStop(outcome);
      if (stop)
        stops.push({
          host: h.host,
          stepId: runner.nextStep()?.id ?? null,
          reason: stop,
          at: Date.now(),
        });
    });
    if (stops.length) {
      this.halt(stops[0]!);
      return this.conclude();
    }
    if (this.fleet.mode === 'rollback') return this.rollBack();
    return this.run();
  }

  /** Runs the host's failed (or blocked) step again, then, if it passed, the rollout on. */
  async retry(host: string, rerun: RerunOptions = {}): Promise<FleetOutcome> {
    const runner = this.runnerOf(host);
    if (!runner) throw new Error(`host ${host} has no deployment in fleet ${this.options.fleetId}`);
    const report = await runner.runNext(rerun);
    if (report && report.status !== 'succeeded') {
      this.halt({ host, stepId: report.stepId, reason: report.summary, at: Date.now() });
      return this.conclude();
    }
    return this.run();
  }

  /**
   * Leaves a host out of the rollout with the operator's reason: its
   * deployment, if unfinished, is abandoned (its lock released) as a lone
   * target's would be. A halt on that host is lifted; `run` goes on.
   * Refused (InputError, nothing changed) for a canary, a host changed and
   * not rolled back, and a host with nothing left to skip: `skipRefusal`.
   */
  async skip(host: string, reason: string): Promise<void> {
    const changed = rollbackOrder(this.options.store, this.records);
    const refusal = skipRefusal(this.view(), host, reason, changed);
    if (refusal) throw new InputError(refusal);
    const runner = this.runnerOf(host);
    const d = runner?.deployment;
    if (runner && d && UNFINISHED.includes(d.status))
      await abandonDeployment(
        this.handles.get(host)!.ctx,
        runner,
        `skipped in fleet ${this.options.fleetId}: ${reason}`,
      );
    this.fleets.skipHost(this.options.fleetId, host, reason);
    if (this.fleet.halt?.host === host) this.setHalt(null);
    this.emit({
      type: 'fleet',
      status: this.fleet.status,
      halted: this.fleet.halt,
      detail: `${host} skipped: ${reason}`,
    });
  }

  /**
   * The Emergency Rollback of one host, or (no host) of every host that
   * changed, in the reverse of the order they went in (the last batch first,
   * the canary last); hosts never changed are abandoned instead, releasing
   * their locks. A host whose rollback stops halts the fleet there.
   */
  async rollBack(host?: string): Promise<FleetOutcome> {
    // One host rolled back leaves the fleet halted where it was: the operator decides what comes next.
    if (!host) {
      this.fleets.setMode(this.options.fleetId, 'rollback');
      this.setHalt(null);
    }
    const memberOf = (name: string) => ({
      ctx: this.handles.get(name)!.ctx,
      runner: this.runnerOf(name),
    });
    const order = host ? [host] : rollbackOrder(this.options.store, this.records);
    const stopped = await rollBackInOrder(order, memberOf);
    if (stopped) {
      this.halt(stopped);
      return this.conclude();
    }
    if (host) return this.conclude();
    await abandonUnchanged(
      this.records.map((h) => h.host),
      memberOf,
      this.options.fleetId,
    );
    this.setStatus('rolled_back', 'every host that changed is rolled back');
    return this.outcome();
  }

  /**
   * Runs one host's steps (phase 1 only, when `onlyPhase` says so) until it
   * is done, fails, or the fleet halts; a failure halts the fleet unless it
   * is a batch host's within maxFailures.
   */
  private async drive(host: string, onlyPhase?: string): Promise<void> {
    const record = this.records.find((h) => h.host === host)!;
    if (record.skipReason !== null) return;
    const runner = this.runnerOf(host)!;
    const d = runner.deployment;
    if (d.status === 'succeeded') return;
    if (d.status === 'rolled_back' || d.status === 'abandoned' || d.mode === 'rollback')
      return this.halt({
        host,
        stepId: null,
        reason: `${host}'s deployment is ${d.mode === 'rollback' ? 'rolling back' : d.status.replace('_', ' ')}: skip the host or roll the fleet back`,
        at: Date.now(),
      });
    try {
      for (;;) {
        if (this.fleet.halt) return;
        const step = runner.nextStep();
        if (!step) return void (await runner.runMany('all')); // closes a deployment whose steps all ran
        if (onlyPhase && step.phase !== onlyPhase) return;
        const report = await runner.runNext();
        if (report?.status !== 'succeeded') return this.hostFailed(record, report);
      }
    } catch (error) {
      this.haltOnError(host, runner, error);
      throw error;
    }
  }

  /**
   * An unexpected error on one host (a bug, a lost state database) ends the
   * run, but only once the other hosts have finished the step they are in
   * (their connections closed under a running step would leave its outcome
   * unknown): the halt stops them there, as a failure would.
   */
  private haltOnError(host: string, runner: Runner, error: unknown): void {
    try {
      this.halt({
        host,
        stepId: runner.nextStep()?.id ?? null,
        reason: `unexpected error: ${errorMessage(error)}`,
        at: Date.now(),
      });
    } catch {
      // The state database itself failed: the error being thrown says so.
    }
  }

  /**
   * The health gate between batches: every host this rollout has deployed
   * must still answer its health endpoints, or the next batch does not
   * start (a canary that passed its steps and degraded since halts it).
   */
  private async breached(): Promise<boolean> {
    const deployed = this.view()
      .hosts.filter((h) => h.status === 'succeeded')
      .map((h) => this.handles.get(h.host)!);
    const breach = await firstBreach(deployed, this.options.healthGate ?? healthBreaches);
    if (breach) this.halt(breach);
    return breach !== null;
  }

  private hostFailed(record: FleetHostRecord, report: StepReport | undefined): void {
    const halt = {
      host: record.host,
      stepId: report?.stepId ?? null,
      reason: report?.summary ?? 'paused',
      at: Date.now(),
    };
    const failed = this.view().hosts.filter((h) => h.status === 'failed').length;
    const { maxFailures } = this.fleet;
    if (
      haltsRollout({
        canary: record.batch === 0,
        status: report?.status,
        failedHosts: failed,
        maxFailures,
      })
    )
      this.halt(halt);
    else
      this.emit({
        type: 'fleet',
        status: this.fleet.status,
        halted: null,
        detail: `${record.host} failed at ${halt.stepId} (${failed} of ${maxFailures} failures tolerated): ${halt.reason}`,
      });
  }

  private halt(halt: FleetHalt): void {
    if (this.fleet.halt) return; // the first halt is the one the operator acts on
    this.fleets.setHalt(this.options.fleetId, halt);
    this.setStatus(
      'failed',
      `halted at ${halt.host}${halt.stepId ? ` ${halt.stepId}` : ''}: ${halt.reason}`,
    );
  }

  private setHalt(halt: FleetHalt | null): void {
    this.fleets.setHalt(this.options.fleetId, halt);
  }

  private setStatus(status: DeploymentStatus, detail: string): void {
    this.fleets.setStatus(this.options.fleetId, status);
    this.emit({ type: 'fleet', status, halted: this.fleet.halt, detail });
  }

  /** The fleet's status once no host runs: succeeded when every host succeeded or was skipped. */
  private conclude(): FleetOutcome {
    if (!this.fleet.halt) {
      const open = this.view().hosts.filter(
        (h) => h.status !== 'succeeded' && h.status !== 'skipped',
      );
      if (open.length === 0) this.setStatus('succeeded', 'every host deployed and verified');
      else this.setStatus('failed', `${open.map((h) => h.host).join(', ')} not deployed`);
    }
    return this.outcome();
  }

  private outcome(): FleetOutcome {
    const { status, halt } = this.fleet;
    return { status, halted: halt };
  }

  /** Runs `work` for every item, at most `parallelism` at once. */
  private pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    return eachAtMost(items, this.options.parallelism ?? FLEET_PARALLELISM, work);
  }

  private emit(event: FleetEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
