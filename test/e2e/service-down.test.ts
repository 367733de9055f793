/**
 * Issue 13: production down, in a real terminal. After 2.1 the status strip
 * says `cvd DOWN mm:ss`, counting, and `q` asks before leaving it down; quit
 * anyway, the shell is told it is DOWN and how to go on. The built binary in
 * tmux, the screen polled for each state (no fixed sleeps).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopDemoService } from '../../src/demo/build.js';
import { tmuxServer } from '../helpers/tmux.js';
import { INVOKED } from '../helpers/cli.js';

const t = tmuxServer('down');
const root = mkdtempSync(join(tmpdir(), 'cvd-e2e-'));
const COUNTER = /cvd DOWN (\d\d:\d\d) · code v1\.0\.0/;

describe('cvd-tui with the service down, in tmux', () => {
  afterAll(async () => {
    t.kill();
    await stopDemoService(join(root, 'demo')).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('after 2.1 the strip shows DOWN with a live counter, and q asks before leaving it down', async () => {
    const s = 'down';
    t.launch(s, [100, 30], ['demo', '--dir', join(root, 'demo')], 'test_password');
    await t.toPhaseOne(s);
    await t.screen(s, /^cvd untouched · code v1\.0\.0/m);
    t.press(s, 'A');
    await t.screen(s, [/Phase 1 complete/, /^cvd up, serving v1\.0\.0 · /m], 120_000);
    t.press(s, 'Enter');
    const down = await t.screen(s, [COUNTER, /✓ 2\.1 Stop Application Services/], 120_000);
    // Live: the same screen, nothing pressed, shows another count.
    const counted = COUNTER.exec(down)![1]!;
    await t.screen(s, new RegExp(`cvd DOWN (?!${counted})\\d\\d:\\d\\d`));
    t.press(s, 'q');
    const asked = await t.screen(s, /cvd is DOWN \d\d:\d\d \(since .+, stopped by 2\.1\)/);
    expect(asked).toContain(
      'Enter start cvd (run 2.2 … 3.1) · R roll back · q quit anyway · Esc stay',
    );
    expect(asked).not.toContain('EXIT=');
    t.press(s, 'q');
    const left = (await t.screen(s, 'EXIT=1')).replace(/\n/g, '');
    expect(left).toMatch(
      /cvd is DOWN \(\d\d:\d\d, since .+, stopped by 2\.1\): resume runs 2\.2 … 3\.1/,
    );
    expect(left).toMatch(/Or roll back with: .+ rollback \d{8}_\d{6}_[0-9a-f]{4}/);
    expect(left).toContain(`Or roll back with: ${INVOKED} rollback `);
  }, 300_000);
});
