/**
 * `resume` and `rollback` with CVD_TUI_TEST_PASSWORD unset ask for the 3.3
 * password before Ink mounts. The screens after that prompt must still hear
 * every key: they once heard none (Ctrl-C included), and a deployment paused
 * at the checklist ended at once, exit 0, no word.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopDemoService } from '../../src/demo/build.js';
import { tmuxServer } from '../helpers/tmux.js';

const t = tmuxServer('prompt');
const dirs: string[] = [];
const SIZE: [number, number] = [100, 30];
/** In the phase screen's key bar (its only screen with panes): the screen is back (no help, no prompt over it). */
const PHASE_KEYS = 'Tab pane';
const CHECKLIST_KEYS = '↑↓ move · Space tick';

/** A fresh demo target; `--config … --state …` for the CLI. */
function demoDir(): { dir: string; configPath: string; flags: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'cvd-e2e-'));
  dirs.push(root);
  const dir = join(root, 'demo');
  const configPath = join(dir, 'cvd-tui.json');
  return { dir, configPath, flags: ['--config', configPath, '--state', join(dir, 'state.db')] };
}

/** The demo, driven to a pause: at the checklist, or on the phase screen at 1.1. */
async function pausedDemo(session: string, at: 'checklist' | 'phase') {
  const demo = demoDir();
  t.launch(session, SIZE, ['demo', '--dir', demo.dir], 'test_password');
  if (at === 'phase') await t.toPhaseOne(session);
  else {
    await t.screen(session, '▸ v1.0.1');
    await t.readingKeys(session);
    t.press(session, 'Enter');
    await t.screen(session, 'Pre-Deployment Checklist (0/12 ticked)');
  }
  t.press(session, 'q');
  await t.screen(session, 'EXIT=1');
  // The demo answers 3.3's password itself (testPasswordCommand); without it, cvd-tui asks.
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  delete config.targets.demo.testPasswordCommand;
  writeFileSync(demo.configPath, JSON.stringify(config));
  return demo;
}

/** Launches `args` without the password in the environment and answers the prompt blank. */
async function afterPrompt(session: string, args: string[]): Promise<void> {
  t.launch(session, SIZE, args);
  await t.screen(session, 'Password of test_user');
  // As an operator who takes a moment to answer: the screens have loaded by
  // then, and Ink mounts in the same tick the prompt lets go of stdin.
  await t.idle(session);
  t.press(session, 'Enter');
}

describe('cvd-tui after the password prompt, in tmux', () => {
  afterAll(async () => {
    t.kill();
    for (const dir of dirs) {
      await stopDemoService(join(dir, 'demo')).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resume and rollback answer ?, q and Ctrl-C after the prompt', async () => {
    const { flags } = await pausedDemo('setup', 'phase');

    await afterPrompt('resume', ['resume', ...flags]);
    // The settling notice comes from work started after every key handler is subscribed.
    await t.screen('resume', [
      /1\.1 Environment Verification — next/,
      /no step is running on the target/,
    ]);
    t.press('resume', '?');
    await t.screen('resume', 'close this help');
    t.press('resume', 'q');
    await t.screen('resume', PHASE_KEYS);
    t.press('resume', 'C-c');
    expect(await t.screen('resume', 'EXIT=130')).toMatch(/Deployment \S+ is paused/);

    await afterPrompt('rollback', ['rollback', ...flags]);
    await t.screen('rollback', /Roll back \S+ to v1\.0\.0\?.*\(y\/n\)/);
    t.press('rollback', 'n');
    await t.screen('rollback', PHASE_KEYS);
    t.press('rollback', '?');
    await t.screen('rollback', 'close this help');
    t.press('rollback', 'Escape');
    await t.screen('rollback', PHASE_KEYS);
    t.press('rollback', 'q');
    expect(await t.screen('rollback', 'EXIT=1')).toMatch(/Deployment \S+ is paused/);
  }, 180_000);

  it('resume of a deployment paused at the checklist opens the checklist and stays', async () => {
    const { flags } = await pausedDemo('setup-checklist', 'checklist');

    await afterPrompt('checklist', ['resume', ...flags]);
    await t.screen('checklist', [
      /Pre-Deployment Checklist \(0\/12 ticked\)/,
      /no step is running on the target/,
    ]);
    t.press('checklist', '?');
    await t.screen('checklist', 'close this help');
    t.press('checklist', 'q');
    await t.screen('checklist', CHECKLIST_KEYS);
    t.press('checklist', 'Space');
    await t.screen('checklist', '(1/12 ticked)');
    t.press('checklist', 'q');
    expect(await t.screen('checklist', 'EXIT=1')).toMatch(/Deployment \S+ is paused/);
  }, 180_000);
});
