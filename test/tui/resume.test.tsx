import { describe, expect, it } from 'vitest';
import { resolveSecrets } from '../../src/session/secrets.js';
import { KEY } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';
import { cvdctl, harnessPerCase, tickAll, type Opened } from './harness.js';

/**
 * The start screen showing `text` once the target has answered: it draws
 * before that, and its keys wait for it.
 */
const lookedAt = (ui: Opened, text: string) =>
  ui.screen.waitFor((frame) => frame.includes(text) && !frame.includes('checking'));

/**
 * q leaves a paused deployment resumable; cvd-tui with no command then
 * offers Resume (selected), Roll back, Abandon. Every case starts from its
 * own demo target and state file; those that need a paused deployment record
 * one (1.1 done, 1.2 next) without the screens, so any case runs alone.
 */
describe('TUI: quit, resume, abandon, Ctrl-C', () => {
  const harness = harnessPerCase();
  /** The paused deployment the first case leaves behind: 1.1 succeeded, 1.2 next. */
  const paused = () => harness().prepare({ until: '1.2' });

  it('q mid-phase leaves with exit 1 and the command to resume', async () => {
    const h = harness();
    const ui = await h.open({ command: 'deploy', version: 'v1.0.1' });
    await ui.screen.waitFor('Pre-Deployment Checklist');
    await tickAll(ui);
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.1 Environment Verification — next');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.2 Create Deployment Directory — next');
    const id = ui.core.runner!.deployment.id;
    await ui.screen.press('q');
    expect(h.exits.pop()).toEqual({
      code: 1,
      message: expect.stringContaining(
        `Resume with: cvd-tui resume ${id} --config ${h.demo.configPath} --state ${h.dir}/state.db`,
      ),
      stepRunning: false,
    });
    await h.close(ui);
    expect(h.store.deployment(id)!.status).toBe('in_progress');
  });

  it('no command: the start screen offers Resume (selected), Roll back, Abandon, in that order', async () => {
    const h = harness();
    // Past 1.3, which records what a rollback goes back to (before it, Roll back is not offered).
    const id = await h.prepare({ until: '2.1' });
    const ui = await h.open({ command: undefined });
    const frame = await lookedAt(ui, `Unfinished deployment ${id}`);
    expect(frame).toMatch(/▸ Resume\n\s+Roll back\n\s+Abandon/);
    expect(frame).toMatch(/Deploy\s+v1\.0\.1/);
    await ui.screen.press('j', 'j');
    await ui.screen.waitFor('▸ Abandon');
    await ui.screen.press('k', 'k');
    await ui.screen.waitFor('▸ Resume');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('no step is running on the target');
    expect(ui.screen.frame()).toMatch(/✓ 1 Pre-Deployment Preparation/);
    // Ctrl-C with nothing running: exit 130 at once, state saved.
    await ui.screen.press(KEY.ctrlC);
    expect(h.exits.pop()).toMatchObject({
      code: 130,
      message: expect.stringContaining(`cvd-tui resume ${id}`),
      stepRunning: false,
    });
    await h.close(ui);
  });

  it('Ctrl-C while a journaled step runs asks first, saying it goes on: n keeps waiting; y leaves with 130, the step still running', async () => {
    const h = harness();
    const { id, ...ui } = await h.resumeAt({ until: '1.2' }, 400);
    await ui.screen.waitFor('1.2 Create Deployment Directory — next');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.2 Create Deployment Directory — running');
    await ui.screen.press(KEY.ctrlC);
    await ui.screen.waitFor('1.2 goes on on the target; resume follows it to its end. Quit? (y/n)');
    await ui.screen.press('n');
    await ui.screen.waitFor('1.3 Backup Current System — next');
    expect(h.exits).toHaveLength(0);
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.3 Backup Current System — running');
    await ui.screen.press(KEY.ctrlC);
    await ui.screen.waitFor('1.3 goes on on the target');
    await ui.screen.press('y');
    expect(h.exits.pop()).toEqual({
      code: 130,
      message: expect.stringContaining(
        `1.3 Backup Current System: it changes the target and goes on there without cvd-tui; resume follows it to its end and records how it ended.\nResume with: cvd-tui resume ${id}`,
      ),
      stepRunning: true,
    });
    // The step goes on; the harness waits for it before unmounting.
    await h.close(ui);
    expect(h.store.attempts(id).find((a) => a.stepId === '1.3')?.status).toBe('succeeded');
  });

  it('Ctrl-C while a read-only step runs says it stops and resume runs it again', async () => {
    const h = harness();
    const ui = await h.resumeAt({ until: '1.1' }, 400);
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.1 Environment Verification — running');
    await ui.screen.press(KEY.ctrlC);
    await ui.screen.waitFor(
      '1.1 is read-only: quitting stops it; resume runs it again. Quit? (y/n)',
    );
    await ui.screen.press('y');
    expect(h.exits.pop()).toMatchObject({
      code: 130,
      message: expect.stringContaining(
        '1.1 Environment Verification: read-only, stopped on the target as cvd-tui left; resume runs it again.',
      ),
      stepRunning: true,
    });
    await h.close(ui);
  });

  it('resume runs a read-only step an interruption stopped again, and reports how that ended', async () => {
    const h = harness();
    const id = await h.prepare({ until: '1.1' });
    // As Ctrl-C leaves it: the attempt started and never ended (the exiting process ended its command).
    h.store.beginAttempt(id, '1.1', 'echo', 'alice', 'step started');
    const ui = await h.open({ command: 'resume' });
    const frame = await ui.screen.waitFor(
      /Settled: 1\.1 succeeded \(stopped by an interruption, ran again: /,
      90_000,
    );
    // The Logs pane may show the first attempt's end from the state record; the step list shows the last.
    expect(frame).toMatch(/✓ 1\.1 Environment Verification/);
    expect(
      h.store
        .attempts(id)
        .filter((a) => a.stepId === '1.1')
        .map((a) => [a.status, a.summary?.split(' (')[0]]),
    ).toEqual([
      ['failed', 'stopped by an interruption before it finished'],
      ['succeeded', expect.any(String)],
    ]);
    await h.close(ui);
  });

  it("a relaunch of the demo never asks for 3.3's password: its testPasswordCommand answers", async () => {
    const h = harness();
    // A terminal and no CVD_TUI_TEST_PASSWORD: only the command keeps the prompt away.
    expect(await resolveSecrets(h.target, { interactive: true }, {}, true)).toEqual({
      testPassword: 'test_password',
    });
  });

  it('Abandon asks a reason, records it, and the start screen then offers a new deployment', async () => {
    const h = harness();
    const id = await paused();
    const ui = await h.open({ command: undefined });
    await lookedAt(ui, '▸ Resume');
    await ui.screen.press('j', 'j', KEY.enter);
    await ui.screen.waitFor(`Abandon ${id} — reason:`);
    await ui.screen.type('change window closed');
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor('Version to deploy');
    expect(frame).toContain(`Deployment ${id} abandoned: change window closed`);
    await waitFor(() => h.store.deployment(id)!.status === 'abandoned');
    expect(
      h.store
        .events(id)
        .some((e) => e.type === 'status abandoned' && e.detail === 'change window closed'),
    ).toBe(true);
    await ui.screen.press('q');
    expect(h.exits.pop()).toMatchObject({ code: 0 });
    await h.close(ui);
  });

  it('q on a failed deployment asks for the issues and resolution first; Esc stays, answered it leaves', async () => {
    const h = harness();
    const { id: failed, ...ui } = await h.resumeAt({ until: '1.1' });
    await ui.screen.waitFor('1.1 Environment Verification — next');
    cvdctl(h.demo, 'stop');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.1 failed: cvd is not running');
    await ui.screen.press('q');
    await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
    await ui.screen.press(KEY.escape);
    await ui.screen.waitFor((f) => !f.includes('Issues encountered'));
    expect(h.exits).toHaveLength(0);
    await ui.screen.press('q');
    // Pre-filled with 1.1's failure; the operator writes their own instead.
    await ui.screen.waitFor('Issues encountered:');
    await ui.screen.waitFor('› 1.1 attempt 1 failed: cvd is not running');
    await ui.screen.press(KEY.ctrlU);
    await ui.screen.waitFor(/^›\s*$/m);
    await ui.screen.type('cvd was down before we began');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('Resolution: (Enter to save; empty to skip)');
    await ui.screen.press(KEY.enter);
    expect(h.exits.pop()).toMatchObject({
      code: 1,
      message: expect.stringContaining(`Resume with: cvd-tui resume ${failed}`),
    });
    expect(h.store.issues(failed).map((i) => i.text)).toEqual(['cvd was down before we began']);
    expect(h.store.deployment(failed)!.resolution).toBeNull();
    await h.close(ui);
  });
});
