import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import type { TargetConfig } from '../../src/config/types.js';
import { buildDemoTarget, stopDemoService, type DemoTarget } from '../../src/demo/build.js';
import { demoLayout } from '../../src/demo/layout.js';
import { startDemoService } from '../../src/demo/service.js';
import { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { Transport } from '../../src/transport/types.js';
import { App } from '../../src/screens/app/App.js';
import { TuiProvider } from '../../src/screens/app/context.js';
import { TuiCore } from '../../src/screens/app/core.js';
import { initialState, type Stage } from '../../src/screens/app/state.js';
import { tickItem } from '../../src/engine/deployment.js';
import { CHECKLIST } from '../../src/steps/checklist.js';
import type { ProbeIntervals, TuiDeps, TuiExit, TuiRequest } from '../../src/screens/app/deps.js';
import type { MonitorWindow } from '../../src/screens/app/monitor-session.js';
import { prepareTui } from '../../src/screens/app/prepare.js';
import type { ExecutionLog } from '../../src/export/build.js';
import { runCli } from '../helpers/cli.js';
import { KEY, renderScreen, type TestScreen } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';

/** The local transport, each command started `ms` later. */
function slowed(inner: Transport, ms: number): Transport {
  return {
    description: inner.description,
    exec: async (command, options) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return inner.exec(command, options);
    },
    close: () => inner.close(),
  };
}

/** The local transport, every command it is given recorded in `commands` first. */
function recorded(inner: Transport, commands: string[]): Transport {
  return {
    description: inner.description,
    exec: (command, options) => (commands.push(command), inner.exec(command, options)),
    close: () => inner.close(),
  };
}

/** Fast probes: the panes fill within a second. */
export const FAST_PROBES: ProbeIntervals = { resourcesMs: 400, healthMs: 400, logMs: 200 };

/** Post-deployment monitoring samples back to back (the window keeps the runbook's 2 h: tests stop it). */
export const FAST_MONITOR: MonitorWindow = { intervalSeconds: 0.3 };

export interface Opened {
  screen: TestScreen;
  core: TuiCore;
}

/** A real demo target, a real SQLite state file and the local transport: the TUI as runTui builds it, minus the terminal. */
export interface TuiHarness {
  demo: DemoTarget;
  dir: string;
  target: TargetConfig;
  store: StateStore;
  exits: TuiExit[];
  exportDir: string;
  /** Every command the screens have run on the target, in the order they were started. */
  commands: string[];
  /**
   * `slowMs` delays every command on the target: a step then runs long enough to be interrupted.
   * `drawn`: when the first frame is on screen, as runTui says it (a local target is looked at then).
   */
  open(
    request: TuiRequest,
    size?: { columns: number; rows: number },
    slowMs?: number,
    drawn?: Promise<void>,
  ): Promise<Opened>;
  /**
   * Opens the TUI straight at `stage` for a recorded deployment, as if the
   * operator had just reached it: the summary of a finished deployment has
   * no command line of its own.
   */
  openAt(
    deploymentId: string,
    stage: Stage,
    size?: { columns: number; rows: number },
  ): Promise<Opened>;
  /**
   * Records a deployment of v1.0.1 (or `version`) as the screens would,
   * without them: begun, every checklist item ticked by alice, then run until
   * `until` is the next step (all of it when absent). `failFirst`: 1.1 first
   * runs with cvd stopped, fails, and is retried. `skips`: steps skipped,
   * with their reason. `rollBack`: stops at the first step that fails
   * instead of throwing, then runs the Emergency Rollback to its end.
   * Returns its id.
   */
  prepare(options?: Preparation): Promise<string>;
  /** Opens `cvd-tui resume` on the unfinished deployment and waits for its phase screen. */
  resume(slowMs?: number): Promise<Opened>;
  /**
   * `prepare`s a deployment, then opens `cvd-tui resume` on it and waits for
   * its phase screen, the next step `preparation.until`. `slowMs` as in `open`.
   */
  resumeAt(preparation?: Preparation, slowMs?: number): Promise<Opened & { id: string }>;
  /** Unmounts the screen, waiting for running work first (it writes to the store). */
  close(opened: Opened): Promise<void>;
  /** Closes every screen still open. */
  closeAll(): Promise<void>;
  /** Closes every screen still open, stops the demo and removes its files. */
  cleanup(): Promise<void>;
}

/** How `TuiHarness.prepare` runs its deployment. */
export interface Preparation {
  until?: string;
  failFirst?: boolean;
  skips?: Record<string, string>;
  /** @default 'v1.0.1' */
  version?: string;
  rollBack?: boolean;
}

export async function demoHarness(probes: ProbeIntervals | false = false): Promise<TuiHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-'));
  return harnessOn(dir, await buildDemoTarget(join(dir, 'demo')), probes);
}

/** The harness over a running demo in `dir` (`demo` under it) and the state file `dir/state.db`. */
function harnessOn(dir: string, demo: DemoTarget, probes: ProbeIntervals | false): TuiHarness {
  const { target, name } = loadTarget(demo.configPath);
  const store = StateStore.open(join(dir, 'state.db'));
  const commands: string[] = [];
  const local = recorded(new LocalTransport(), commands);
  const exits: TuiExit[] = [];
  /** Screens not closed yet: cleanup closes them, so a failed case leaves nothing running. */
  const opened = new Map<TestScreen, TuiCore>();
  const track = (ui: Opened) => (opened.set(ui.screen, ui.core), ui);
  const deps = (slowMs = 0): TuiDeps => ({
    store,
    transport: slowMs ? slowed(local, slowMs) : local,
    target,
    targetName: name,
    operator: 'alice',
    jumpHost: hostname(),
    secrets: {},
    resumeFlags: ['--config', demo.configPath, '--state', join(dir, 'state.db')],
    takeOverLock: false,
    exportDir: dir,
    probes,
    monitor: FAST_MONITOR,
    onExit: (exit) => void exits.push(exit),
  });
  const harness: TuiHarness = {
    demo,
    dir,
    target,
    store,
    exits,
    exportDir: dir,
    commands,
    async open(request, size, slowMs, drawn) {
      const prepared = await prepareTui(deps(slowMs), request, drawn);
      const screen = await renderScreen(
        <TuiProvider core={prepared.core} initial={prepared.initial} begin={prepared.begin}>
          <App />
        </TuiProvider>,
        size,
      );
      return track({ screen, core: prepared.core });
    },
    async openAt(deploymentId, stage, size) {
      const core = new TuiCore(deps());
      core.attach(deploymentId);
      const d = store.deployment(deploymentId)!;
      const initial = initialState(
        { runningVersion: d.versionFrom ?? 'unknown', runningCommit: '', tags: [] },
        stage,
      );
      const screen = await renderScreen(
        <TuiProvider core={core} initial={initial}>
          <App />
        </TuiProvider>,
        size,
      );
      return track({ screen, core });
    },
    async prepare({ until, failFirst = false, skips = {}, version = 'v1.0.1', rollBack } = {}) {
      const prepared = await prepareTui(deps(), { command: 'deploy', version });
      await prepared.begin?.(prepared.core);
      const runner = prepared.core.runner;
      if (!runner) throw new Error('the deployment could not begin');
      const id = runner.deployment.id;
      for (const item of CHECKLIST) tickItem(store, id, item.id, { checked: true, by: 'alice' });
      if (failFirst) {
        cvdctl(demo, 'stop');
        await runner.runNext();
        cvdctl(demo, 'start');
      }
      for (let next = runner.nextStep(); next && next.id !== until; next = runner.nextStep()) {
        const reason = skips[next.id];
        if (reason) await runner.skip(reason);
        else if ((await runner.runNext())?.status !== 'succeeded') {
          if (rollBack) break;
          throw new Error(`${next.id} did not succeed while preparing ${id}`);
        }
      }
      if (rollBack) {
        runner.startRollback();
        await runner.runMany('all');
        if (runner.deployment.status !== 'rolled_back')
          throw new Error(`the rollback of ${id} did not finish while preparing it`);
      }
      prepared.core.dispose();
      return id;
    },
    async resume(slowMs) {
      const ui = await harness.open({ command: 'resume' }, undefined, slowMs);
      await ui.screen.waitFor('no step is running on the target', 90_000);
      return ui;
    },
    async resumeAt(preparation, slowMs) {
      const id = await harness.prepare(preparation);
      return { ...(await harness.resume(slowMs)), id };
    },
    async close({ screen, core }) {
      // Closed by the case or by cleanup, once.
      if (!opened.delete(screen)) return;
      await waitFor(() => !core.busy, 30_000);
      await screen.unmount();
    },
    async closeAll() {
      for (const [screen, core] of [...opened]) await harness.close({ screen, core });
    },
    async cleanup() {
      try {
        await harness.closeAll();
      } finally {
        await stopDemoService(demo.dir);
        store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}

/**
 * A new harness for every case (its own demo target and state file),
 * cleaned up after it with any screen it left open: cases share nothing, so
 * each runs alone or in any order. Call the result inside a case for its
 * harness; `tune` adjusts each before the case runs.
 */
export function harnessPerCase(
  probes: ProbeIntervals | false = false,
  tune?: (h: TuiHarness) => void,
): () => TuiHarness {
  return perCase(() => demoHarness(probes), tune);
}

/**
 * Like `harnessPerCase`, but every case starts from a copy of one recorded
 * state: `record` runs once on a harness of its own (a demo built and a
 * deployment recorded take seconds), which is then saved with its demo
 * stopped; each case gets that directory restored, the demo's app restarted
 * if it was running, and a new harness on it. `record` must leave nothing
 * running that writes into the directory later. The copy is all the cases share, and none writes to it.
 * Call the result inside a case for its harness and what `record` returned.
 */
export function snapshotPerCase<T>(
  record: (h: TuiHarness) => Promise<T>,
  probes: ProbeIntervals | false = false,
  tune?: (h: TuiHarness) => void,
): () => TuiHarness & { recorded: T } {
  let saved:
    { dir: string; demo: DemoTarget; archive: string; recorded: T; running: boolean } | undefined;
  beforeAll(async () => {
    const h = await demoHarness(probes);
    try {
      const recorded = await record(h);
      await h.closeAll();
      // The copies' app runs only if it ran when recorded (phase 2 stops it).
      const running = await fetch(`http://127.0.0.1:${h.demo.appPort}/health`).then(
        (r) => r.ok,
        () => false,
      );
      await stopDemoService(h.demo.dir);
      h.store.close();
      const archive = `${h.dir}.tar`;
      execFileSync('tar', ['-cf', archive, '-C', h.dir, '.']);
      saved = { dir: h.dir, demo: h.demo, archive, recorded, running };
    } finally {
      if (!saved) await h.cleanup();
    }
  }, 300_000);
  afterAll(() => {
    // Each case's cleanup stops its copy and removes it; the directory stays only if no case ran.
    if (saved)
      for (const path of [saved.archive, saved.dir]) rmSync(path, { recursive: true, force: true });
  });
  const restore = async () => {
    if (!saved) throw new Error('snapshotPerCase: nothing was recorded');
    const { dir, demo, archive, running } = saved;
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    if (running) await startDemoService(demoLayout(demo.dir), demo.appPort);
    return harnessOn(dir, demo, probes);
  };
  const get = perCase(restore, tune);
  return () => Object.assign(get(), { recorded: saved!.recorded });
}

function perCase(
  open: () => Promise<TuiHarness>,
  tune?: (h: TuiHarness) => void,
): () => TuiHarness {
  let current: TuiHarness | undefined;
  beforeEach(async () => {
    current = await open();
    tune?.(current);
  }, 120_000);
  afterEach(async () => {
    const h = current;
    current = undefined;
    await h?.cleanup();
  });
  return () => {
    if (!current) throw new Error('harnessPerCase: no harness outside a case');
    return current;
  };
}

/** The demo's service control script (`start`, `stop`, …), as an operator would run it on the target. */
export function cvdctl(demo: DemoTarget, action: string): void {
  execFileSync(join(demo.dir, 'bin', 'cvdctl'), [action]);
}

/** Ticks the whole checklist from the top (the cursor starts on auth.1). */
export async function tickAll(ui: Opened): Promise<void> {
  for (let i = 0; i < 12; i++) await ui.screen.press(KEY.space, 'j');
  await ui.screen.waitFor('(12/12 ticked)');
}

/** `cvd-tui export <id> --format json`, the built binary run as a user would, on the harness's state file. */
export async function exportedJson(h: TuiHarness, id: string): Promise<ExecutionLog> {
  const state = join(h.dir, 'state.db');
  const result = await runCli([
    'export',
    id,
    '--format',
    'json',
    '--config',
    h.demo.configPath,
    '--state',
    state,
  ]);
  if (result.code !== 0) throw new Error(`cvd-tui export exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ExecutionLog;
}
