import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/exit.js';
import { KEY } from '../helpers/ink.js';
import { snapshotPerCase } from './harness.js';

/**
 * Steps take seconds each, many more when the machine is loaded: the cases
 * that run phases 1 and 2 first get room for that.
 */
const RUNS_STEPS_MS = 300_000;

/**
 * `R` asks `y` first: `n` leaves the deployment alone, `y` runs the Emergency
 * Rollback on the Rollback screen. Every case starts from its own copy of a
 * demo target and state file holding a deployment recorded through phase 2
 * (cvd stopped, database migrated: 3.1 next), and resumes it.
 */
describe('TUI: roll back', () => {
  // Phases 1 and 2 are recorded once; each case resumes a copy of them.
  const harness = snapshotPerCase((h) => h.prepare({ until: '3.1' }));
  /** The phase screen of a deployment whose phases 1 and 2 are done. */
  const afterPhase2 = async () => ({ ...(await harness().resume()), id: harness().recorded });

  it('a version that is not a tag, or not a plain tag, is refused (exit 2) before any command runs', async () => {
    const h = harness();
    const before = h.store.deployments().length;
    await expect(h.open({ command: 'deploy', version: 'v9.9.9' })).rejects.toThrow(
      /v9\.9\.9 is not a tag/,
    );
    await expect(h.open({ command: 'deploy', version: 'v1.0.1;reboot' })).rejects.toThrow(
      /is not a release tag/,
    );
    await expect(h.open({ command: 'deploy', version: 'v1.0.1;reboot' })).rejects.toBeInstanceOf(
      InputError,
    );
    expect(h.store.deployments()).toHaveLength(before);
  });

  it(
    'R then n cancels: nothing changes',
    async () => {
      const h = harness();
      const ui = await afterPhase2();
      await ui.screen.press('R');
      await ui.screen.waitFor('This runs the Emergency Rollback steps. (y/n)');
      await ui.screen.press('n');
      const frame = await ui.screen.waitFor('Roll back cancelled: nothing was changed');
      expect(frame).toContain('cvd-tui Deploy');
      expect(h.store.deployment(ui.core.runner!.deployment.id)!.mode).toBe('deploy');
      expect(h.store.attempts(ui.id).filter((a) => a.stepId.startsWith('R.'))).toEqual([]);
    },
    RUNS_STEPS_MS,
  );

  it(
    'R then Esc cancels too',
    async () => {
      const h = harness();
      const ui = await afterPhase2();
      await ui.screen.press('R');
      await ui.screen.waitFor('(y/n)');
      await ui.screen.press(KEY.escape);
      await ui.screen.waitFor('Roll back cancelled');
      expect(h.store.deployment(ui.core.runner!.deployment.id)!.mode).toBe('deploy');
    },
    RUNS_STEPS_MS,
  );

  it(
    'R then y runs the rollback steps on the Rollback screen, with the same panes',
    async () => {
      const h = harness();
      const ui = await afterPhase2();
      await ui.screen.press('R');
      await ui.screen.waitFor('(y/n)');
      await ui.screen.press('y');
      let frame = await ui.screen.waitFor('cvd-tui Rollback');
      for (const title of ['Emergency Rollback', 'Logs', 'Resources', 'Health'])
        expect(frame).toContain(title);
      frame = await ui.screen.waitFor(
        'Rolled back: serving v1.0.0 (v1.0.1 rolled back by the operator)',
      );
      expect(frame).toContain('[rolled back: serving v1.0.0');
      const id = ui.core.runner!.deployment.id;
      // Rolled back: the summary asks for the issues and resolution; Esc skips both.
      await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
      await ui.screen.press(KEY.escape);
      frame = await ui.screen.waitFor((f) => !f.includes('Issues encountered'));
      expect(h.store.issues(id)).toEqual([]);
      expect(h.store.deployment(id)!.resolution).toBeNull();
      const attempts = h.store.attempts(id).filter((a) => a.stepId.startsWith('R.'));
      expect(attempts.map((a) => `${a.stepId} ${a.status}`)).toEqual(
        ['R.1', 'R.2', 'R.3', 'R.4', 'R.5', 'R.6', 'R.7'].map((s) => `${s} succeeded`),
      );
      const response = await fetch(`http://127.0.0.1:${h.demo.appPort}/health`);
      expect(await response.json()).toMatchObject({ version: 'v1.0.0' });
    },
    RUNS_STEPS_MS,
  );
});
