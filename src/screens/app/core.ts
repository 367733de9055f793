import type { Dispatch } from 'react';
import type { Preflight } from '../../engine/preflight.js';
import { Runner } from '../../engine/runner.js';
import { readTargetState, type TargetState } from '../../engine/target-state.js';
import { startHealthProbe, type HealthProbe, type HealthSample } from '../../probes/health.js';
import { stepRuns, type RunLog } from '../../export/runs.js';
import { startLogTail } from '../../probes/log-tail.js';
import { startResourceProbe, type ResourceSample } from '../../probes/resources.js';
import { postTicksFrom } from '../../steps/post-checklist.js';
import { recordedIssues } from '../../export/issues.js';
import type { Outcome } from '../../export/outcome.js';
import { verificationOf, type VerificationItem } from '../../export/verification.js';
import { bridgeEngine } from './bridge.js';
import type { TuiDeps } from './deps.js';
import { LineStore } from '../stores/line-store.js';
import type { MonitorSession } from './monitor-session.js';
import { replayRecorded } from './replay.js';
import { fleetEntries } from './fleet-checklist.js';
import { stepRows } from './rows.js';
import type { Action, Notice, Synced } from './state.js';
import { ValueStore } from '../stores/value-store.js';
import { errorMessage } from '../../util/error.js';
import { cli } from '../../util/invocation.js';

/**
 * The Execution Log's "Issues Encountered" as the summary shows it: the
 * operator's notes once there are any (they were written from the failures,
 * pre-filled), else the failures and skips on record.
 */
function issuesOnRecord(store: TuiDeps['store'], id: string): string[] {
  const notes = store.issues(id).map((i) => i.text);
  return notes.length ? notes : recordedIssues(store.attempts(id));
}
import type { FleetControl, FleetEntry } from './fleet-control.js';

/** How a core belongs to a fleet: the rollout's controls, the fleet screen's core, the host a core shows. */
export interface FleetLink {
  control: FleetControl;
  root: TuiCore;
  /** Absent on the fleet screen's own core. */
  host?: string;
}

/** Actions that only say what is true now: before a screen mounts, the latest one is all it needs. */
const SNAPSHOTS = new Set<Action['type']>(['synced', 'step-started', 'fleet-checklist']);

/**
 * The TUI's link to the engine, the store and the probes: plain TypeScript
 * that screens reach through the context and never bypass. It owns the
 * runner of the deployment on screen (its events: bridge.ts), the Logs
 * pane's line store and the probes' latest readings.
 */
export class TuiCore {
  /** The Logs pane's step output and cvd-tui's notes. */
  readonly lines = new LineStore();
  /** The target's error.log tail, kept apart: the app's own lines cannot push the step output out of view. */
  readonly appLog = new LineStore();
  readonly resources = new ValueStore<ResourceSample | undefined>(undefined);
  readonly health = new ValueStore<HealthSample | undefined>(undefined);
  runner: Runner | undefined;
  /** The post-deployment monitoring window opened from the summary, running or ended. */
  monitor: MonitorSession | undefined;
  /** The last preflight, and the version its checklist evidence is for. */
  preflight: { version: string; result: Preflight } | undefined;
  /** Set on the cores of a fleet rollout (the fleet screen's and each host's). */
  fleet: FleetLink | undefined;
  /** A fleet's start screen: how it reaches the group's hosts. */
  fleetEntry: FleetEntry | undefined;
  private readonly hosts = new Map<string, TuiCore>();
  private unfollow: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private healthProbe: HealthProbe | undefined;
  /** The deployment whose recorded output the Logs pane has: resume attaches it twice (prepare, then resume). */
  private replayed: string | undefined;
  private working: string | undefined;
  private sink: Dispatch<Action> | undefined;
  private queued: Action[] = [];

  constructor(readonly deps: TuiDeps) {}

  /** Connects the reducer; actions dispatched before it mounted are replayed in order. */
  bind(dispatch: Dispatch<Action>): void {
    this.sink = dispatch;
    for (const action of this.queued.splice(0)) dispatch(action);
  }

  readonly dispatch = (action: Action): void => {
    if (this.sink) return this.sink(action);
    if (SNAPSHOTS.has(action.type))
      this.queued = this.queued.filter((queued) => queued.type !== action.type);
    this.queued.push(action);
  };

  /** Makes `deploymentId` the deployment on screen. */
  attach(deploymentId: string): Runner {
    const d = this.deps;
    return this.adopt(
      new Runner({
        store: d.store,
        transport: d.transport,
        target: d.target,
        targetName: d.targetName,
        deploymentId,
        operator: d.operator,
        secrets: d.secrets,
      }),
    );
  }

  /** Makes a runner made elsewhere (a fleet host's) the one on screen. */
  adopt(runner: Runner): Runner {
    this.unsubscribe?.();
    this.runner = runner;
    const id = runner.deployment.id;
    if (this.replayed !== id) replayRecorded(this.deps.store, id, this.lines);
    this.replayed = id;
    this.unsubscribe = bridgeEngine(runner, this.lines, this.dispatch, () => this.sync());
    this.sync();
    return runner;
  }

  /**
   * Makes this the fleet screen's core. A host's core is made as soon as the
   * host has a deployment, so that its Logs pane holds what the host printed
   * before the operator opened it.
   */
  followFleet(control: FleetControl): void {
    this.fleet = { control, root: this };
    const follow = () => {
      for (const host of control.view.getSnapshot().hosts)
        if (host.deploymentId) this.hostCore(host.host);
    };
    this.unfollow = control.view.subscribe(follow);
    follow();
    this.sync();
  }

  /** The core of one host of the fleet (its phase screen's), made once, its runner adopted once it has one. */
  hostCore(name: string): TuiCore {
    const control = this.fleet!.control;
    const { context, runner } = control.host(name);
    let core = this.hosts.get(name);
    if (!core) {
      core = new TuiCore({ ...this.deps, ...context });
      core.fleet = { control, root: this, host: name };
      this.hosts.set(name, core);
    }
    if (runner && core.runner !== runner) core.adopt(runner);
    return core;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.runner = undefined;
    this.dispatch({ type: 'cleared' });
  }

  /** Re-reads the deployment on screen (on the fleet screen's core: the fleet's checklist) from the store: the store, not memory, is the truth. */
  sync(): void {
    const fleet = this.fleet;
    if (fleet && !fleet.host)
      return this.dispatch({
        type: 'fleet-checklist',
        checklist: fleetEntries(fleet.control.checklist()),
      });
    const synced = this.synced();
    if (!synced) return;
    // A step has moved on (the service restarted, say): a failing endpoint is asked again now, not after its back-off.
    this.healthProbe?.checkNow();
    this.dispatch({ type: 'synced', synced });
  }

  /** What the store says about the deployment on screen now (none before one is attached). */
  synced(): Synced | undefined {
    const runner = this.runner;
    if (!runner) return undefined;
    const { store } = this.deps;
    const deployment = runner.deployment;
    return {
      deployment,
      checklist: store.checklist(deployment.id),
      steps: stepRows(runner),
      postTicks: postTicksFrom(store.events(deployment.id)),
      issues: issuesOnRecord(store, deployment.id),
      target: readTargetState(store, deployment.id)!,
    };
  }

  /** The target as the record of deployment `id` (default: the one on screen) knows it, read now. */
  targetState(id = this.runner?.deployment.id): TargetState | undefined {
    return id === undefined ? undefined : readTargetState(this.deps.store, id);
  }

  get busy(): boolean {
    return this.working !== undefined;
  }

  /** What the work under way is, e.g. `running 2.3 Database Migration`. */
  get busyWith(): string | undefined {
    return this.working;
  }

  /** Says `text` in the footer until the screen changes, or until `holds` stops being true. */
  notify(text: string, tone: Notice['tone'] = 'info', holds?: Notice['holds']): void {
    this.dispatch({ type: 'notice', notice: { text, tone, holds } });
  }

  /**
   * Runs one piece of async work (a step, a check) with the busy flag up, so
   * that no second piece starts beside it; errors become a notice, never a
   * crash, and the screen is re-synced from the store afterwards.
   */
  async work<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.working) {
      this.notify(`Busy: ${this.working}. Wait for it to finish.`, 'error');
      return undefined;
    }
    this.working = what;
    this.dispatch({ type: 'busy', what });
    try {
      return await fn();
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return undefined;
    } finally {
      this.working = undefined;
      this.dispatch({ type: 'idle' });
      this.sync();
    }
  }

  /** Starts the Resources, Health and error.log probes; returns the function that stops them. */
  startProbes(): () => void {
    const { probes, transport, target } = this.deps;
    if (!probes) return () => undefined;
    const health = startHealthProbe(transport, target, (s) => this.health.set(s), {
      intervalMs: probes.healthMs,
    });
    this.healthProbe = health;
    const stops = [
      startResourceProbe(transport, target, (s) => this.resources.set(s), probes.resourcesMs),
      health,
      startLogTail(transport, target, (lines) => lines.forEach((l) => this.appLog.push(l, 'log')), {
        intervalMs: probes.logMs,
      }),
    ];
    return () => {
      this.healthProbe = undefined;
      stops.forEach((stop) => stop());
    };
  }

  /** A step's command as it would run now (values resolved, secrets masked): the preview before Enter. */
  commandPreview(stepId: string): string | undefined {
    const runner = this.runner;
    const step = runner?.steps().find((s) => s.id === stepId);
    return runner && step ? runner.mask(step.script(runner.context())) : undefined;
  }

  /** Every attempt of a step on screen, with its output, duration and exit code (the export's runs). */
  stepRuns(stepId: string): RunLog[] {
    const runner = this.runner;
    if (!runner) return [];
    const { store } = this.deps;
    const id = runner.deployment.id;
    return stepRuns(
      store,
      id,
      store.attempts(id).filter((a) => a.stepId === stepId),
    );
  }

  /** The facts recorded so far: which lines of a stored output were checked facts (fact-text.ts). */
  facts(): Record<string, string> {
    return this.runner ? this.deps.store.facts(this.runner.deployment.id) : {};
  }

  /** The runbook's Verification Checklist, filled in from what the steps verified (after a rollback: the rollback's). */
  verification(): { status: string; items: VerificationItem[] } | undefined {
    const runner = this.runner;
    if (!runner) return undefined;
    const d = runner.deployment;
    return verificationOf(d.mode, this.deps.store.facts(d.id), runner.latestAttempts(), d.status);
  }

  /** How the deployment on screen ended, as the exit line and the export say it. */
  outcome(): Outcome | undefined {
    return this.runner?.outcome();
  }

  /** `cvd-tui resume <id>` (or `rollback`), as cvd-tui was invoked, with the flags this session was started with. */
  resumeCommand(id: string, command: 'resume' | 'rollback' = 'resume'): string {
    return cli([command, id, ...this.deps.resumeFlags].join(' '));
  }

  /** Its screen unmounted. A fleet host's core lives on (its Logs keep filling) until the fleet's ends. */
  dispose(): void {
    if (this.fleet?.host) {
      this.sink = undefined;
      return;
    }
    this.end();
  }

  private end(): void {
    // Unmounted without q (a signal): the window is still recorded, before the store closes.
    this.monitor?.stop('cvd-tui was closed');
    this.unsubscribe?.();
    this.unfollow?.();
    this.lines.dispose();
    this.appLog.dispose();
    for (const host of this.hosts.values()) host.end();
  }
}
