import {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdDir } from '../../src/steps/hold.js';
import { logWindowDir } from '../../src/steps/phase4.js';
import { waitFor } from '../helpers/wait.js';
import type { Opened } from './harness.js';

// chalk decides its color level when it is first imported: force color before Ink loads.
process.env.FORCE_COLOR = '1';
const { KEY } = await import('../helpers/ink.js');
const { snapshotPerCase, exportedJson } = await import('./harness.js');

/** Steps take seconds each, many more when the machine is loaded: phase 5 gets room for that. */
const RUNS_STEPS_MS = 300_000;

/** A sample row as the Monitor screen lists it: time, response, then the other columns. */
const SAMPLE_ROW = /^│?\d\d:\d\d:\d\d +\d+ ms +/gm;
const samples = (frame: string) => (frame.match(SAMPLE_ROW) ?? []).length;
/** Foreground red, then the text of a breaching sample's row. */
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with a control character
const RED_BREACH_ROW = /\u001b\[31m(\u001b\[1m)?\d\d:\d\d:\d\d [^\n]*BREACH/;

/**
 * From the summary of a succeeded deployment, Enter on "Start
 * post-deployment monitoring" opens the Monitor screen: samples against the
 * runbook's limits; 5xx answers in access.log are a breach, shown in red,
 * and R then y rolls back on the Rollback screen; the summary then asks for
 * the issues and resolution. Samples are taken back to back (FAST_MONITOR).
 */
describe('TUI: post-deployment monitoring', () => {
  // The demo's "server" is the machine running the tests, whose CPU and
  // memory parallel workers load: 100 % turns those checks off (as in the
  // headless monitor's test); the breach here comes from the access log.
  // Phases 1 to 4 are recorded once; each case resumes a copy of them.
  const harness = snapshotPerCase(
    async (h) => {
      const id = await h.prepare({ until: '5.1' });
      // The detached log watcher (opened by 3.1) writes `done` once 5.3 has
      // closed its window; a copy saved before that would never get it, and
      // each case's 5.3 would wait it out. Closed here as 5.3 closes it: a
      // line into close.fifo, which the watcher holds open (non-blocking, so
      // a watcher gone fails here instead of hanging).
      const window = logWindowDir(h.target.paths.deployments, id);
      const fifo = openSync(join(window, 'close.fifo'), constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fifo, 'close\n');
      closeSync(fifo);
      await waitFor(() => existsSync(join(window, 'done')), 60_000);
      // 3.1's service hold must have held before the copy is saved with the service stopped:
      // a copy taken mid-hold records it as left, and each case's 5.1 would fail on it.
      const verdict = join(holdDir(h.target.paths.deployments, id), 'result');
      await waitFor(() => existsSync(verdict), 60_000);
      expect(readFileSync(verdict, 'utf8').trim()).toBe('held');
      return id;
    },
    false,
    (h) => Object.assign(h.target.thresholds, { maxCpuPercent: 100, maxMemoryUsedPercent: 100 }),
  );
  /**
   * The summary of a clean deployment, reached as the operator reaches it: A
   * on the last phase, which asks for the issues when something went wrong.
   */
  const succeeded = async () => {
    const h = harness();
    const ui = await h.resume();
    await ui.screen.press('A');
    await ui.screen.waitFor('Deployment succeeded in', RUNS_STEPS_MS);
    return { h, ui, id: h.recorded };
  };
  const openMonitor = async (ui: Opened) => {
    for (let i = 0; i < 9; i++) await ui.screen.press('j');
    await ui.screen.waitFor('▸ Start post-deployment monitoring (2 h)');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('cvd-tui Monitor');
  };
  /**
   * From the summary of a clean deployment: monitoring, 5xx answers appended
   * to access.log once the first sample is in, then `frame` at the breach.
   */
  const breached = async () => {
    const { h, ui, id } = await succeeded();
    await openMonitor(ui);
    // The first sample starts at the log's end: the 5xx lines land after it.
    await ui.screen.waitFor((f) => samples(f) >= 1);
    const line = (status: number) =>
      `2026-01-01T00:00:00.000Z 127.0.0.1 http "GET /api/devices HTTP/1.1" ${status} 30 2ms\n`;
    appendFileSync(join(h.demo.dir, 'logs', 'access.log'), (line(200) + line(500)).repeat(5));
    const frame = await ui.screen.waitFor('BREACHED');
    return { h, ui, id, frame };
  };
  /** R then y at the breach: rolled back, the summary asking for the issues. */
  const rollBack = async (ui: Opened) => {
    await ui.screen.press('R');
    await ui.screen.waitFor('This runs the Emergency Rollback steps. (y/n)');
    await ui.screen.press('y');
    const rollback = await ui.screen.waitFor('cvd-tui Rollback');
    const asked = await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
    return { rollback, asked };
  };

  it(
    'a clean run asks nothing; the summary offers the monitoring as its last row',
    async () => {
      const { ui } = await succeeded();
      const frame = ui.screen.frame();
      expect(frame).not.toContain('Issues encountered');
      expect(frame).toContain('Post-Deployment Monitoring');
      expect(frame).toContain('Enter start monitoring');
    },
    RUNS_STEPS_MS,
  );

  it(
    'Enter opens the Monitor screen: each sample a row against the limits; Esc stops it, recorded',
    async () => {
      const { h, ui, id } = await succeeded();
      await openMonitor(ui);
      const frame = await ui.screen.waitFor((f) => samples(f) >= 2);
      expect(frame).toContain('limits: response < 2000 ms, error rate < 1 %');
      expect(frame).toMatch(/TIME +RESPONSE +ERRORS +CPU +MEMORY +DB LOCKS +CERT/);
      expect(frame).toContain('Post-deployment monitoring — watching: a sample every 0.3 s');
      expect(ui.screen.rawFrame()).not.toMatch(RED_BREACH_ROW);
      await ui.screen.press(KEY.escape);
      await ui.screen.waitFor('Verification Checklist');
      const events = h.store.events(id).map((e) => `${e.type}: ${e.detail}`);
      expect(events).toContainEqual('monitor started: 120 min window, a sample every 0.3 s');
      expect(events).toContainEqual(
        expect.stringMatching(/^monitor stopped: stopped by the operator; \d+ samples over/),
      );
    },
    RUNS_STEPS_MS,
  );

  it(
    '5xx answers in access.log are a breach: shown in red, recorded, and R then y rolls back',
    async () => {
      const { h, ui, id, frame } = await breached();
      expect(frame).toMatch(/^BREACH: error rate \d+\.\d % \(5 of \d+ requests answered 5xx\)/m);
      expect(frame).toContain('R: roll back to v1.0.0 (asks y to confirm)');
      expect(ui.screen.rawFrame()).toMatch(RED_BREACH_ROW);
      expect(h.store.facts(id)).toMatchObject({ monitorStatus: 'breached' });
      expect(h.store.issues(id).at(-1)?.text).toMatch(/^post-deployment monitoring: error rate/);

      const { rollback, asked } = await rollBack(ui);
      expect(rollback).toContain('Emergency Rollback');
      expect(asked).toContain('Rolled back: serving v1.0.0 (v1.0.1 rolled back by the operator)');
    },
    RUNS_STEPS_MS,
  );

  it(
    'after the rollback the issues and resolution typed are stored, shown and exported',
    async () => {
      const { h, ui, id } = await breached();
      await rollBack(ui);
      await ui.screen.type('5xx burst on /api/devices');
      await ui.screen.press(KEY.enter);
      await ui.screen.waitFor('Resolution: (Enter to save; empty to skip)');
      await ui.screen.type('rolled back to v1.0.0');
      await ui.screen.press(KEY.enter);
      const frame = await ui.screen.waitFor('Resolution: rolled back to v1.0.0');
      expect(frame).toMatch(/Issues encountered: post-deployment monitoring: error rate/);
      expect(frame).toMatch(/^ +5xx burst on \/api\/devices$/m);
      // Rolled back: nothing left to monitor.
      expect(frame).not.toContain('Start post-deployment monitoring');
      const log = await exportedJson(h, id);
      expect(log.status).toBe('rolled_back');
      expect(log.issues.map((i) => i.text)).toEqual([
        expect.stringMatching(/^post-deployment monitoring: error rate/),
        '5xx burst on /api/devices',
      ]);
      expect(log.resolution).toBe('rolled back to v1.0.0');
      expect(log.monitoring.status).toBe('breached');
      expect(
        log.steps.filter((s) => s.id.startsWith('R.')).every((s) => s.status === 'succeeded'),
      ).toBe(true);
    },
    RUNS_STEPS_MS,
  );
});
