import { describe, expect, it } from 'vitest';
import { readTargetState } from '../../src/engine/target-state.js';
import { KEY } from '../helpers/ink.js';
import { harnessPerCase, snapshotPerCase } from './harness.js';

/** Steps take seconds each, many more on a loaded machine. */
const RUNS_STEPS_MS = 300_000;
const COUNTER = /cvd DOWN (\d\d:\d\d)/;

/**
 * Production down (issue 13): the status strip says so with a live counter,
 * and `q` or Ctrl-C asks before leaving it down. Every case starts from its
 * own copy of a demo target and state file holding a deployment recorded
 * through 2.1 (cvd stopped, 2.2 next).
 */
/** The start screen draws before the target answers ("checking…"); its facts are there once it has. */
const answered = (text: string) => (frame: string) =>
  frame.includes(text) && !frame.includes('checking');

describe('TUI: the service is down', () => {
  const harness = snapshotPerCase((h) => h.prepare({ until: '2.2' }));
  /** The phase screen of the recorded deployment, cvd down, and `q` pressed: the question's frame. */
  const askedOnQuit = async () => {
    const h = harness();
    const ui = await h.openAt(h.recorded, 'phase');
    await ui.screen.waitFor(COUNTER);
    await ui.screen.press('q');
    const asked = await ui.screen.waitFor(/cvd is DOWN \d\d:\d\d \(since .*, stopped by 2\.1\)/);
    return { h, ui, asked };
  };

  it('the strip shows DOWN with a counter that keeps counting, the code, migration, rollback and lock, in 80 columns', async () => {
    const h = harness();
    const ui = await h.openAt(h.recorded, 'phase', { columns: 80, rows: 24 });
    const first = await ui.screen.waitFor(COUNTER);
    const strip = first.split('\n')[1]!;
    expect(strip.length).toBeLessThanOrEqual(80);
    expect(strip).toMatch(
      /^cvd DOWN \d\d:\d\d · code v1\.0\.0 · .+ · (rollback|R) ready · lock alice$/,
    );
    // Live: a later frame shows a later count, with nothing run in between.
    const counted = COUNTER.exec(first)![1]!;
    await ui.screen.waitFor((f) => (COUNTER.exec(f)?.[1] ?? counted) > counted, 10_000);
    await h.close(ui);
  });

  it('the start screen names the service state and the next step; Resume then says no step is running', async () => {
    const h = harness();
    const ui = await h.open({ command: undefined });
    const frame = await ui.screen.waitFor(answered(`Unfinished deployment ${h.recorded}`));
    expect(frame).toMatch(/^cvd DOWN \d\d:\d\d · code v1\.0\.0/m);
    expect(frame).toMatch(/Checked out\s+v1\.0\.0/);
    expect(frame).toMatch(
      /Service\s+cvd DOWN since \d\d:\d\d:\d\d \(stopped by 2\.1; 3\.1 starts it\)/,
    );
    expect(frame).toMatch(/Next step\s+2\.2 Update Application Code/);
    expect(frame).toMatch(/▸ Resume\n\s+Roll back\n\s+Abandon/);
    await ui.screen.press(KEY.enter);
    const phase = await ui.screen.waitFor('no step is running on the target', 90_000);
    expect(phase).not.toContain('nothing was left running');
    expect(phase).toMatch(COUNTER);
    await h.close(ui);
  });

  it(
    'q asks; Esc stays; Enter starts cvd through 3.1 and no further, and q then quits at once',
    async () => {
      const { h, ui, asked } = await askedOnQuit();
      expect(asked).toContain(
        'Enter start cvd (run 2.2 … 3.1) · R roll back · q quit anyway · Esc stay',
      );
      await ui.screen.press(KEY.escape);
      await ui.screen.waitFor((f) => !f.includes('quit anyway') && /Enter (next|run 2\.2)/.test(f));
      expect(h.exits).toHaveLength(0);
      await ui.screen.press('q');
      await ui.screen.waitFor('quit anyway');
      await ui.screen.press(KEY.enter);
      await ui.screen.waitFor('cvd up, serving v1.0.1 · code v1.0.1 · migrated v1.0.1', 180_000);
      const attempts = h.store.attempts(h.recorded);
      expect(attempts.find((a) => a.stepId === '3.1')?.status).toBe('succeeded');
      expect(attempts.some((a) => a.stepId === '3.2')).toBe(false);
      await ui.screen.press('q');
      expect(h.exits.pop()).toMatchObject({ code: 1 });
      expect(h.exits).toHaveLength(0);
      await h.close(ui);
    },
    RUNS_STEPS_MS,
  );

  it(
    'q then R is the rollback confirmation; y rolls back and cvd serves v1.0.0 again',
    async () => {
      const { h, ui, asked } = await askedOnQuit();
      expect(asked).toContain('R roll back');
      await ui.screen.press('R');
      await ui.screen.waitFor('This runs the Emergency Rollback steps. (y/n)');
      await ui.screen.press('y');
      await ui.screen.waitFor('Rolled back: serving v1.0.0', 180_000);
      expect(readTargetState(h.store, h.recorded)).toMatchObject({
        service: 'up',
        serving: 'v1.0.0',
        rollback: 'done',
      });
      expect(h.exits).toHaveLength(0);
      await h.close(ui);
    },
    RUNS_STEPS_MS,
  );

  it('q then q quits anyway (exit 1) saying cvd is DOWN and how to go on; Ctrl-C asks too, twice leaves with 130', async () => {
    const { h, ui, asked } = await askedOnQuit();
    const id = h.recorded;
    expect(asked).toContain('q quit anyway');
    await ui.screen.press('q');
    const flags = `--config ${h.demo.configPath} --state ${h.dir}/state.db`;
    const quit = h.exits.pop()!;
    expect(quit).toMatchObject({ code: 1, stepRunning: false });
    expect(quit.message).toMatch(
      /cvd is DOWN \(\d\d:\d\d, since \d\d:\d\d:\d\d, stopped by 2\.1\): resume runs 2\.2 … 3\.1, which starts it\./,
    );
    expect(quit.message).toContain(`Resume with: cvd-tui resume ${id} ${flags}`);
    expect(quit.message).toContain(`Or roll back with: cvd-tui rollback ${id} ${flags}`);
    await ui.screen.press(KEY.ctrlC);
    await ui.screen.waitFor('q quit anyway');
    expect(h.exits).toHaveLength(0);
    await ui.screen.press(KEY.ctrlC);
    expect(h.exits.pop()).toMatchObject({
      code: 130,
      message: expect.stringContaining('cvd is DOWN'),
    });
    // Nothing was started or rolled back.
    expect(h.store.attempts(id).some((a) => a.stepId === '2.2' || a.stepId.startsWith('R.'))).toBe(
      false,
    );
    await h.close(ui);
  });
});

describe('TUI: a deployment quit at the checklist', () => {
  const harness = harnessPerCase();

  it('the start screen shows the strip before and after; it offers Resume and Abandon, not Roll back', async () => {
    const h = harness();
    const fresh = await h.open({ command: undefined });
    expect(await fresh.screen.waitFor(answered('Version to deploy'))).toMatch(
      /^cvd untouched · code v1\.0\.0 · no deployment in progress$/m,
    );
    await h.close(fresh);
    const begun = await h.open({ command: 'deploy', version: 'v1.0.1' });
    await begun.screen.waitFor('Pre-Deployment Checklist');
    await begun.screen.press('q');
    expect(h.exits.pop()).toMatchObject({ code: 1 });
    await h.close(begun);
    const ui = await h.open({ command: undefined });
    const frame = await ui.screen.waitFor(answered('Unfinished deployment'));
    expect(frame).toMatch(/▸ Resume\n\s+Abandon/);
    expect(frame).not.toContain('Roll back');
    expect(frame).toMatch(/Service\s+cvd not stopped by this deployment/);
    expect(frame).toMatch(/Next step\s+1\.1 Environment Verification/);
    expect(frame).toMatch(
      /^cvd untouched · code v1\.0\.0 · not migrated yet · nothing to roll back · lock alice$/m,
    );
    await h.close(ui);
  });
});
