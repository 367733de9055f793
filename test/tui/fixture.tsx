import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profiler } from 'react';
import { afterEach } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { StateStore } from '../../src/state/store.js';
import type { DeploymentRecord } from '../../src/state/types.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import { App } from '../../src/screens/app/App.js';
import { TuiProvider } from '../../src/screens/app/context.js';
import { TuiCore } from '../../src/screens/app/core.js';
import type { TuiExit } from '../../src/screens/app/deps.js';
import { initialState, type StepRow, type UiState } from '../../src/screens/app/state.js';
import { renderScreen, type TestScreen } from '../helpers/ink.js';

/**
 * A phase screen built by hand (no target, no engine): deployment to an ssh
 * target `prod`, phase 2 under way with 2.3 running, panes filled.
 */
export function phaseState(): { core: TuiCore; state: UiState; exits: TuiExit[]; dispose(): void } {
  const exits: TuiExit[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-fx-'));
  const store = StateStore.open(join(dir, 'state.db'));
  const core = new TuiCore({
    store,
    transport: {
      description: 'cvdops@prod.example.com:22',
      exec: async () => ({ outcome: { kind: 'exited', code: 0 }, output: '' }),
      close: async () => undefined,
    },
    target: withDefaults({ transport: 'ssh', host: 'prod.example.com', username: 'cvdops' }),
    targetName: 'prod',
    operator: 'alice',
    jumpHost: 'jump',
    secrets: {},
    resumeFlags: [],
    takeOverLock: false,
    exportDir: tmpdir(),
    probes: false,
    onExit: (exit) => void exits.push(exit),
  });
  const now = Date.now();
  const deployment: DeploymentRecord = {
    id: '20260101_120000_abcd',
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    mode: 'deploy',
    status: 'in_progress',
    startedAt: now - 60_000,
    finishedAt: null,
    resolution: null,
  };
  const done = new Set(['1.1', '1.2', '1.3', '2.1', '2.2']);
  const steps: StepRow[] = DEPLOY_STEPS.map((s) => ({
    id: s.id,
    phase: s.phase,
    title: s.title,
    status: done.has(s.id) ? 'succeeded' : s.id === '2.3' ? 'running' : 'pending',
    durationMs: done.has(s.id) ? 1234 : undefined,
    startedAt: s.id === '2.3' ? now - 3000 : undefined,
    attempts: done.has(s.id) || s.id === '2.3' ? 1 : 0,
  }));
  const state: UiState = {
    ...initialState(
      { runningVersion: 'v1.0.0', runningCommit: 'a'.repeat(40), tags: ['v1.0.1', 'v1.0.0'] },
      'phase',
    ),
    deployment,
    steps,
    current: {
      stepId: '2.3',
      attempt: 1,
      command:
        "service_stopped() { :; }\n# --- step ---\necho \"=== Running Database Migration ===\"\nsqlite3 '/opt/cvd/data/cvd.db' < 'migrations/migration_v1.0.1.sql'",
    },
    busy: 'running 2.3 Database Migration',
  };
  core.resources.set({
    at: now,
    rootDiskPercent: 41,
    appDiskPercent: 83,
    memoryPercent: 62,
    load: [0.4, 0.3, 0.2],
    cpuPercent: 12,
  });
  core.health.set({
    at: now,
    via: 'tunnel',
    readings: [
      { name: 'health', path: '/health', code: 200, latencyMs: 4 },
      { name: 'detailed', path: '/health/detailed', code: 200, latencyMs: 9, status: 'healthy' },
      { name: 'database', path: '/health/database', code: 500, latencyMs: 12 },
    ],
  });
  for (let i = 1; i <= 40; i++) core.lines.push(`migration line ${i}`);
  core.appLog.push('2026-01-01T12:00:00Z ERROR database check failed: no such table', 'log');
  core.lines.flush();
  core.appLog.flush();
  const dispose = () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { core, state, exits, dispose };
}

/** Renders the hand-built state; `onCommit` counts React commits (render work). */
export function renderState(
  core: TuiCore,
  state: UiState,
  size: { columns: number; rows: number },
  onCommit?: () => void,
): Promise<TestScreen> {
  return renderScreen(
    <Profiler id="tui" onRender={() => onCommit?.()}>
      <TuiProvider core={core} initial={state}>
        <App />
      </TuiProvider>
    </Profiler>,
    size,
  );
}

/**
 * Hand-built screens, one or more per case, all unmounted and disposed after
 * it: `fresh()` replaces the case's fixture (unmounting its screen), `render()`
 * shows one.
 */
export function fixturePerCase() {
  let screen: TestScreen | undefined;
  let fixture: ReturnType<typeof phaseState> | undefined;
  const end = async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  };
  afterEach(end);
  return {
    async fresh() {
      await end();
      return (fixture = phaseState());
    },
    async render(core: TuiCore, state: UiState, size: { columns: number; rows: number }) {
      return (screen = await renderState(core, state, size));
    },
  };
}
