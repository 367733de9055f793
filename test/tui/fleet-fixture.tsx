import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDefaults } from '../../src/config/defaults.js';
import type { EngineContext } from '../../src/engine/context.js';
import { Runner } from '../../src/engine/runner.js';
import { fleetChecklist, tickFleetItem } from '../../src/fleet/checklist.js';
import type { FleetHostView, FleetView } from '../../src/fleet/view.js';
import { App } from '../../src/screens/app/App.js';
import { TuiProvider } from '../../src/screens/app/context.js';
import { TuiCore } from '../../src/screens/app/core.js';
import type { TuiExit } from '../../src/screens/app/deps.js';
import type { FleetControl } from '../../src/screens/app/fleet-control.js';
import { initialState } from '../../src/screens/app/state.js';
import { fleetOpening } from '../../src/screens/intents/fleet.js';
import { ValueStore } from '../../src/screens/stores/value-store.js';
import { FleetStore, type FleetRecord } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';
import { CHECKLIST } from '../../src/steps/checklist.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import type { Transport } from '../../src/transport/types.js';
import { newFleet } from '../helpers/fleet-record.js';
import { renderScreen, type TestScreen } from '../helpers/ink.js';

/** A connection that answers every command with nothing: the screens here run no step. */
const quiet = (host: string): Transport => ({
  description: `deploy@${host}:22`,
  exec: async () => ({ outcome: { kind: 'exited', code: 0 }, output: '' }),
  close: async () => undefined,
});

const host = (name: string, batch: FleetHostView['batch'], more: Partial<FleetHostView>) =>
  ({
    host: name,
    batch,
    status: 'waiting',
    deploymentId: null,
    versionRunning: 'v1.0.0',
    phase: null,
    currentStep: null,
    health: 'ok',
    downSince: null,
    downtimeMs: 0,
    note: null,
    ...more,
  }) satisfies FleetHostView;

/** Three hosts, v1.0.1 halted at the canary: web1 failed 3.2 and is down; web2 and web3 held. */
export function haltedAtCanary(now = Date.now()): FleetView {
  return {
    id: '20260101_120000_f1e2',
    group: 'web',
    versionTo: 'v1.0.1',
    status: 'failed',
    plan: { canary: ['web1'], batches: [['web2', 'web3']], maxFailures: 0 },
    hosts: [
      host('web1', 'canary', {
        status: 'failed',
        deploymentId: '20260101_120001_0001',
        versionRunning: 'v1.0.1',
        phase: 3,
        currentStep: { id: '3.2', status: 'failed' },
        health: 'failing',
        downSince: now - 4_000,
        downtimeMs: 2_000,
        note: '3.2 failed: /health/database answered 500',
      }),
      host('web2', 1, {
        status: 'held',
        deploymentId: '20260101_120001_0002',
        phase: 1,
        currentStep: { id: '1.3', status: 'succeeded' },
      }),
      host('web3', 1, {
        status: 'held',
        deploymentId: '20260101_120001_0003',
        phase: 1,
        currentStep: { id: '1.3', status: 'succeeded' },
      }),
    ],
    halted: {
      host: 'web1',
      stepId: '3.2',
      reason: '/health/database answered 500',
      at: now - 1_000,
    },
  };
}

/** A check's result on one host: `evidence.web3['tech.5']`. */
export type FleetEvidence = Record<string, Record<string, { ok: boolean; text: string }>>;

/** The same three hosts begun (each deployment recorded, its checks too), nothing run yet. */
export function begunFleet(): FleetView {
  const halted = haltedAtCanary();
  return {
    ...halted,
    status: 'in_progress',
    halted: null,
    hosts: halted.hosts.map((h) => host(h.host, h.batch, { deploymentId: h.deploymentId })),
  };
}

/** The same fleet just recorded (its version `version`): every host waiting, nothing begun. */
export function waiting(version = 'v1.0.1'): FleetView {
  return {
    ...haltedAtCanary(),
    versionTo: version,
    status: 'in_progress',
    halted: null,
    hosts: [host('web1', 'canary', {}), host('web2', 1, {}), host('web3', 1, {})],
  };
}

/** The fleet's own record, as the state holds it. */
export function recordOf(view: FleetView): FleetRecord {
  return {
    ...newFleet(
      view.id,
      view.hosts.map((h) => h.host),
      { versionTo: view.versionTo, startedAt: Date.UTC(2026, 0, 1, 12, 0, 0) },
    ),
    mode: 'deploy',
    status: view.status,
    finishedAt: null,
    halt: view.halted,
  };
}

/** What the fake rollout was asked to do, in order: `proceed`, `retry web1`, `skip web2: …`, `rollback *`. */
export type Calls = string[];

export interface FleetFixture {
  core: TuiCore;
  control: FleetControl;
  view: ValueStore<FleetView>;
  calls: Calls;
  exits: TuiExit[];
  store: StateStore;
  dispose(): void;
}

export interface FleetFixtureOptions {
  /** The view `proceed` ends the rollout with. */
  after?: FleetView;
  /** Every checklist item ticked on every host already. @default true */
  ticked?: boolean;
  evidence?: FleetEvidence;
  /** Hosts' own connection and target (the first host's is the fleet screen's), in place of a quiet fake one. */
  targets?: Record<string, Pick<EngineContext, 'transport' | 'target'>>;
}

/**
 * A fleet screen over a fake rollout: the view is the fixture's, the fleet
 * and each host's deployment are real records in a real state file (web1's
 * steps up to its failed 3.2, each host's `evidence`), and every action is
 * recorded in `calls`; `proceed` ends the rollout with `after` when given.
 * The checklist is the engine's, over those records.
 */
export function fleetFixture(
  start: FleetView,
  { after, ticked = true, evidence = {}, targets = {} }: FleetFixtureOptions = {},
): FleetFixture {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-fleet-'));
  const store = StateStore.open(join(dir, 'state.db'));
  recordFleet(store, start);
  const view = new ValueStore(start);
  const calls: Calls = [];
  const exits: TuiExit[] = [];
  const contexts = new Map<string, EngineContext>();
  const runners = new Map<string, Runner>();
  for (const h of start.hosts) {
    const context: EngineContext = {
      store,
      transport: quiet(`${h.host}.example.com`),
      target: withDefaults({ transport: 'ssh', host: `${h.host}.example.com` }),
      targetName: h.host,
      operator: 'alice',
      jumpHost: 'jump',
      ...targets[h.host],
    };
    contexts.set(h.host, context);
    if (!h.deploymentId) continue;
    record(store, h, evidence[h.host] ?? {});
    runners.set(h.host, new Runner({ ...context, deploymentId: h.deploymentId, secrets: {} }));
  }
  const tick = (itemId: string, t: Parameters<FleetControl['tick']>[1]) =>
    tickFleetItem(store, start.id, itemId, t);
  if (ticked)
    for (const item of CHECKLIST) tick(item.id, { checked: true, by: 'alice', reason: 'fixture' });
  const control: FleetControl = {
    view,
    checklist: () => fleetChecklist(store, start.id),
    tick,
    host: (name) => ({ context: contexts.get(name)!, runner: runners.get(name) }),
    proceed: async () => {
      calls.push('proceed');
      if (after) view.set(after);
    },
    retry: async (name) => void calls.push(`retry ${name}`),
    skip: async (name, reason) => void calls.push(`skip ${name}: ${reason}`),
    rollBack: async (name) => void calls.push(`rollback ${name ?? '*'}`),
  };
  const core = new TuiCore({
    ...contexts.get(start.hosts[0]!.host)!,
    targetName: start.group,
    secrets: {},
    resumeFlags: ['--target', start.group],
    takeOverLock: false,
    exportDir: dir,
    probes: false,
    onExit: (exit) => void exits.push(exit),
  });
  core.followFleet(control);
  return {
    core,
    control,
    view,
    calls,
    exits,
    store,
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fleet as startFleet records it, each begun host linked to its deployment. */
function recordFleet(store: StateStore, view: FleetView): void {
  const fleets = new FleetStore(store);
  fleets.create({
    id: view.id,
    name: view.group,
    operator: 'alice',
    jumpHost: 'jump',
    versionTo: view.versionTo,
    canary: view.plan.canary.length,
    batchSize: view.plan.batches[0]?.length ?? 1,
    maxFailures: view.plan.maxFailures,
    startedAt: Date.now() - 60_000,
    hosts: view.hosts.map((h, i) => ({
      host: h.host,
      position: i,
      batch: h.batch === 'canary' ? 0 : h.batch,
    })),
  });
  for (const h of view.hosts) if (h.deploymentId) fleets.linkHost(view.id, h.host, h.deploymentId);
}

/**
 * The host's deployment as the store would have it: its checks' evidence
 * recorded, every step before its current one done.
 */
function record(
  store: StateStore,
  h: FleetHostView,
  evidence: Record<string, { ok: boolean; text: string }>,
): void {
  store.createDeployment({
    id: h.deploymentId!,
    target: h.host,
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: Date.now() - 60_000,
  });
  for (const [itemId, e] of Object.entries(evidence))
    store.tick(h.deploymentId!, {
      itemId,
      checked: false,
      by: null,
      evidence: e.text,
      evidenceOk: e.ok,
      reason: null,
    });
  const current = h.currentStep;
  if (!current) return;
  for (const step of DEPLOY_STEPS) {
    const last = step.id === current.id;
    const attempt = store.beginAttempt(h.deploymentId!, step.id, 'true', 'alice', 'step started');
    const failed = last && current.status === 'failed';
    store.finishAttempt(h.deploymentId!, step.id, attempt, {
      status: failed ? 'failed' : 'succeeded',
      exitCode: failed ? 1 : 0,
      summary: failed ? (h.note ?? 'failed') : 'ok',
    });
    if (last) return;
  }
}

export function renderFleet(
  fixture: FleetFixture,
  size: { columns: number; rows: number },
): Promise<TestScreen> {
  const start = { runningVersion: '', runningCommit: '', tags: [] };
  const stage = fleetOpening(fixture.core.fleet!.control);
  return renderScreen(
    <TuiProvider core={fixture.core} initial={initialState(start, stage)}>
      <App />
    </TuiProvider>,
    size,
  );
}
