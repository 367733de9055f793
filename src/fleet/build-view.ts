import { FleetStore, type FleetHostRecord, type FleetRecord } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import type { AttemptRecord, DeploymentRecord } from '../state/types.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { planOf } from './plan.js';
import type { FleetHostStatus, FleetHostView, FleetView } from './view.js';

const PHASE_OF = new Map([...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s) => [s.id, s.phase]));

/** The step's phase as a number (rollback steps: null). */
const phaseOf = (stepId: string): number | null => {
  const phase = Number(PHASE_OF.get(stepId));
  return Number.isInteger(phase) ? phase : null;
};

/** Whether a host's deployment has begun to change it: a step past phase 1 (preparation) ran. */
export const changedHost = (attempts: readonly AttemptRecord[]): boolean =>
  attempts.some((a) => (phaseOf(a.stepId) ?? 2) >= 2);

/**
 * The fleet as a screen draws it, read from the state database alone: the
 * engine records every transition before it reports it, so this is as fresh
 * as the last event (call it again on each FleetRunner event).
 */
export function fleetView(store: StateStore, fleetId: string): FleetView {
  const fleets = new FleetStore(store);
  const fleet = fleets.fleet(fleetId);
  if (!fleet) throw new Error(`no fleet ${fleetId} in ${store.db.name}`);
  const hosts = fleets.hosts(fleetId);
  return {
    id: fleet.id,
    group: fleet.name,
    versionTo: fleet.versionTo,
    status: fleet.status,
    plan: planOf(hosts, fleet.maxFailures),
    hosts: hosts.map((h) => hostView(store, fleet, h)),
    halted: fleet.halt,
  };
}

function hostView(store: StateStore, fleet: FleetRecord, h: FleetHostRecord): FleetHostView {
  const d = h.deploymentId ? store.deployment(h.deploymentId) : undefined;
  const attempts = d ? store.attempts(d.id) : [];
  const last = attempts.at(-1);
  const byStep = new Map(attempts.map((a) => [a.stepId, a]));
  const down = byStep.get('2.1');
  const up = byStep.get('3.1');
  const downSince = down && !(up?.status === 'succeeded') ? down.startedAt : null;
  const health = byStep.get('3.2')?.status;
  return {
    host: h.host,
    batch: h.batch === 0 ? 'canary' : h.batch,
    status: hostStatus(fleet, h, d, attempts),
    deploymentId: d?.id ?? null,
    versionRunning: d ? versionRunning(d, byStep) : null,
    phase: last ? phaseOf(last.stepId) : null,
    currentStep: last ? { id: last.stepId, status: last.status } : null,
    health: health === 'succeeded' ? 'ok' : health === 'failed' ? 'failing' : 'unknown',
    downSince,
    downtimeMs:
      down && up?.status === 'succeeded'
        ? (up.finishedAt ?? up.startedAt) - down.startedAt
        : downSince === null
          ? 0
          : Date.now() - downSince,
    note: h.skipReason ?? (d?.status === 'failed' ? (last?.summary ?? null) : null),
  };
}

function hostStatus(
  fleet: FleetRecord,
  h: FleetHostRecord,
  d: DeploymentRecord | undefined,
  attempts: readonly AttemptRecord[],
): FleetHostStatus {
  if (h.skipReason !== null || d?.status === 'abandoned') return 'skipped';
  if (d?.status === 'succeeded') return 'succeeded';
  if (d?.status === 'rolled_back') return 'rolled_back';
  if (d?.status === 'failed') return 'failed';
  const running = attempts.find((a) => a.status === 'running');
  if (running) return phaseOf(running.stepId) === 1 ? 'preparing' : 'running';
  if (fleet.halt) return 'held';
  if (!changedHost(attempts)) return attempts.length ? 'preparing' : 'waiting';
  return 'running';
}

/** What the host serves now, as far as the record says: the old code until 2.2 checked the new one out. */
function versionRunning(d: DeploymentRecord, byStep: Map<string, AttemptRecord>): string | null {
  if (d.status === 'rolled_back') return d.versionFrom;
  if (d.mode === 'rollback') return null; // between versions until the rollback ends
  return byStep.get('2.2')?.status === 'succeeded' ? d.versionTo : d.versionFrom;
}
