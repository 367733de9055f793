import { environmentVerification } from '../steps/phase1.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS, canRollBack } from '../steps/index.js';
import type { Facts, StepDef } from '../steps/types.js';
import type { StateStore } from '../state/store.js';
import type { AttemptRecord, DeploymentRecord, EventRecord } from '../state/types.js';
import { UNFINISHED } from '../state/types.js';

/**
 * What the service is, as the deployment's record tells it: `untouched`
 * (no step has looked at it or changed it yet), `up` (1.1 found it active,
 * or 3.1/R.6 started it), `down` (2.1/R.1 stopped it and nothing has started
 * it since), `stopping`/`starting` (such a step runs now), `unknown` (a stop
 * or start whose outcome was lost with the connection).
 */
export type ServiceCondition = 'untouched' | 'up' | 'down' | 'stopping' | 'starting' | 'unknown';

/** Where the database stands: 2.3 not run, no migration needed, migrated, a migration failed, or restored by R.3. */
export type MigrationCondition = 'pending' | 'none' | 'applied' | 'failed' | 'restored';

/** Whether the Emergency Rollback can run: `none` before 1.3 recorded what to go back to. */
export type RollbackCondition = 'ready' | 'none' | 'running' | 'done';

/** The target as one deployment's record knows it: what the status strip and the start screen show. */
export interface TargetState {
  service: ServiceCondition;
  /** When the service went down (2.1's or R.1's end), while it stays down (starting again included). */
  downSince?: number;
  /** The step that stopped it (`2.1`, `R.1`). */
  stoppedBy?: string;
  /** The step of this deployment's steps that starts it again (`3.1`, `R.6`), while it is down. */
  startStep?: string;
  /**
   * What starting it now runs: the steps from the next one through the start
   * step. Undefined when a step before it failed: retrying that step (a
   * migration, a checkout) is the operator's call, not part of "start it".
   */
  startRuns?: string[];
  /** The version the service runs, while it is up. */
  serving?: string;
  /** The version checked out; undefined while a checkout runs or ended without a verdict. */
  code?: string;
  migration: MigrationCondition;
  /** The migrations applied, e.g. `v1.0.1 v1.0.2`. */
  migrated?: string;
  rollback: RollbackCondition;
  /** Who holds the target's deploy lock for this deployment; undefined once it ended (released). */
  lockHolder?: string;
  /** The next step to run, none once every step ran. */
  next?: { id: string; title: string };
}

/** The deployment's record, as the store holds it. */
export interface DeploymentRecordSet {
  deployment: DeploymentRecord;
  /** Every attempt of every step, deploy and rollback. */
  attempts: readonly AttemptRecord[];
  facts: Facts;
  events: readonly EventRecord[];
}

const ALL_STEPS = new Map([...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s) => [s.id, s]));

/** The steps a deployment runs in its mode. */
export const stepsOf = (mode: DeploymentRecord['mode']): readonly StepDef[] =>
  mode === 'rollback' ? ROLLBACK_STEPS : DEPLOY_STEPS;

/** The first step whose latest attempt has not succeeded or been skipped. */
export function nextStepOf(
  steps: readonly StepDef[],
  latest: ReadonlyMap<string, Pick<AttemptRecord, 'status'>>,
): StepDef | undefined {
  return steps.find((s) => !['succeeded', 'skipped'].includes(latest.get(s.id)?.status ?? ''));
}

interface Timeline {
  service: ServiceCondition;
  downSince?: number;
  stoppedBy?: string;
  serving?: string;
  code?: string;
}

/**
 * Replays the attempts that touch the service or the code, in the order
 * they ran. A failed start leaves the service down (and the clock running);
 * a failed stop leaves it as it was (the stop verifies it no longer runs);
 * an outcome lost with the connection makes it unknown.
 */
function replay(d: DeploymentRecord, attempts: readonly AttemptRecord[]): Timeline {
  const from = d.versionFrom ?? undefined;
  const t: Timeline = { service: 'untouched', code: from };
  const ordered = [...attempts].sort((a, b) => a.startedAt - b.startedAt || a.attempt - b.attempt);
  for (const a of ordered) {
    const step = ALL_STEPS.get(a.stepId);
    if (!step) continue;
    const version = step.phase === 'R' ? from : d.versionTo;
    if (
      step.id === environmentVerification.id &&
      a.status === 'succeeded' &&
      t.service === 'untouched'
    ) {
      t.service = 'up';
      t.serving = t.code;
    }
    if (step.effect.commit)
      t.code = a.status === 'succeeded' ? version : a.status === 'skipped' ? t.code : undefined;
    const wanted = step.effect.service;
    if (!wanted) continue;
    if (a.status === 'running') t.service = wanted === 'active' ? 'starting' : 'stopping';
    else if (a.outcomeUnknown) t.service = 'unknown';
    else if (a.status === 'succeeded' && wanted === 'stopped') {
      // Already down (R.1 after 2.1): the downtime still counts from the first stop.
      if (t.downSince === undefined)
        Object.assign(t, { downSince: a.finishedAt ?? a.startedAt, stoppedBy: a.stepId });
      t.service = 'down';
      t.serving = undefined;
    } else if (a.status === 'succeeded') {
      Object.assign(t, {
        service: 'up',
        serving: t.code,
        downSince: undefined,
        stoppedBy: undefined,
      });
    } else if (t.service === 'starting' || t.service === 'stopping')
      t.service = t.downSince !== undefined ? 'down' : 'up';
  }
  return t;
}

function migrationOf(facts: Facts, latest: ReadonlyMap<string, AttemptRecord>): MigrationCondition {
  const restore = latest.get('R.3');
  if (restore?.status === 'succeeded' && facts.keptDatabase) return 'restored';
  const applied = (facts.migrationsApplied ?? '').split(' ').filter(Boolean);
  if (facts.migrationStarted && !applied.includes(facts.migrationStarted)) return 'failed';
  if (applied.length) return 'applied';
  return latest.get('2.3')?.status === 'succeeded' ? 'none' : 'pending';
}

function rollbackOf(d: DeploymentRecord, facts: Facts): RollbackCondition {
  if (d.status === 'rolled_back') return 'done';
  if (d.mode === 'rollback') return 'running';
  return canRollBack(facts) ? 'ready' : 'none';
}

/** The operator who last took the lock for this deployment: it starts with the deployment, then goes to whoever resumed or took it over. */
function lockHolderOf(d: DeploymentRecord, events: readonly EventRecord[]): string | undefined {
  if (!UNFINISHED.includes(d.status)) return undefined;
  const taken = events.filter((e) => e.type === 'resumed' || e.type === 'lock taken over');
  return taken.at(-1)?.actor ?? d.operator;
}

/** The target as the deployment's record knows it (the downtime counter is the screen's: it ticks). */
export function targetState({
  deployment: d,
  attempts,
  facts,
  events,
}: DeploymentRecordSet): TargetState {
  const latest = new Map(attempts.map((a) => [a.stepId, a]));
  const steps = stepsOf(d.mode);
  const t = replay(d, attempts);
  const down = t.downSince !== undefined;
  const startStep = down
    ? steps.find((s) => s.effect.service === 'active' && latest.get(s.id)?.status !== 'succeeded')
    : undefined;
  const next = nextStepOf(steps, latest);
  const from = next ? steps.indexOf(next) : -1;
  const through = startStep ? steps.indexOf(startStep) : -1;
  const startable =
    next &&
    startStep &&
    from <= through &&
    (next === startStep || latest.get(next.id)?.status !== 'failed');
  return {
    ...t,
    startStep: startStep?.id,
    startRuns: startable ? steps.slice(from, through + 1).map((s) => s.id) : undefined,
    migration: migrationOf(facts, latest),
    migrated: facts.migrationsApplied || undefined,
    rollback: rollbackOf(d, facts),
    lockHolder: lockHolderOf(d, events),
    next: next && { id: next.id, title: next.title },
  };
}

/** Down, or starting while down: production does not answer, and leaving now leaves it so. */
export const serviceDown = (state: TargetState): boolean => state.downSince !== undefined;

/** The target as the store's record of deployment `id` knows it. */
export function readTargetState(store: StateStore, id: string): TargetState | undefined {
  const deployment = store.deployment(id);
  if (!deployment) return undefined;
  return targetState({
    deployment,
    attempts: store.attempts(id),
    facts: store.facts(id),
    events: store.events(id),
  });
}
