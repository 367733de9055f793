/**
 * Issue 13, on the built binary in tmux: a step that failed and was retried
 * (`r`) opens from the step list on its attempt 2, and `[` shows attempt 1.
 * 1.1 fails while the demo's service is stopped (as test/tui/harness.tsx's
 * `failFirst` does it) and succeeds once it is started again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopDemoService } from '../../src/demo/build.js';
import { tmuxServer } from '../helpers/tmux.js';

const t = tmuxServer('stepview');
const roots: string[] = [];
/** Steps take seconds each, many more when the machine is loaded. */
const STEP_WAIT_MS = 90_000;

describe('cvd-tui step view, in tmux', () => {
  afterAll(async () => {
    t.kill();
    for (const root of roots) {
      await stopDemoService(join(root, 'demo')).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('Enter on a retried step opens attempt 2; [ shows attempt 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cvd-e2e-'));
    roots.push(root);
    const dir = join(root, 'demo');
    const cvdctl = (action: string) => execFileSync(join(dir, 'bin', 'cvdctl'), [action]);
    const s = 'steps';
    t.launch(s, [100, 30], ['demo', '--dir', dir], 'test_password');
    await t.toPhaseOne(s);

    cvdctl('stop');
    t.press(s, 'Enter');
    await t.screen(s, '✗ 1.1 Environment Verification — failed', STEP_WAIT_MS);
    cvdctl('start');
    t.press(s, 'r');
    await t.screen(s, '1.2 Create Deployment Directory — next', STEP_WAIT_MS);

    // Tab round to the step list; the cursor starts on 1.2, k moves it to 1.1.
    for (const pane of ['Resources', 'Health', 'Steps']) {
      t.press(s, 'Tab');
      await t.screen(s, `┏━ ${pane} `);
    }
    await t.screen(s, '▸ ○ 1.2 Create Deployment Directory');
    t.press(s, 'k');
    await t.screen(s, '▸ ✓ 1.1 Environment Verification');
    t.press(s, 'Enter');
    const second = await t.screen(s, '1.1 Environment Verification · attempt 2 of 2');
    expect(second).toMatch(/#1 ✗ [\d.]+s exit \d+\s+#2 ✓ [\d.]+s exit 0/);
    expect(second).toContain('retry after attempt 1 failed');
    t.press(s, '[');
    const first = await t.screen(s, '1.1 Environment Verification · attempt 1 of 2');
    expect(first).toMatch(/failed in [\d.]+s · exit \d+/);
    t.press(s, 'Escape');
    const back = await t.screen(s, '1.2 Create Deployment Directory — next');
    // Enter opened the step and ran nothing.
    expect(back).toMatch(/○ 1\.2 Create Deployment Directory/);
    t.press(s, 'q');
    await t.screen(s, 'EXIT=1');
  }, 300_000);
});
