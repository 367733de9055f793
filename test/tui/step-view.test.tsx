import { describe, expect, it } from 'vitest';
import { KEY } from '../helpers/ink.js';
import { paneRows } from '../helpers/panes.js';
import { harnessPerCase } from './harness.js';

/** Steps take seconds each, many more when the machine is loaded. */
const STEP_WAIT_MS = 90_000;

/**
 * Issue 13: the step list takes focus (Tab), j/k select a step, Enter opens
 * its attempts from the state store; after a resume the Logs pane goes on
 * from the recorded output, its facts a readable line. The deployment is
 * recorded without the screens: 1.1 failed once (cvd stopped), then retried.
 */
describe('TUI: steps you can open', () => {
  const harness = harnessPerCase();

  it('after resume shows the recorded output; Enter opens a retried step on attempt 2, [ shows attempt 1, a skip says why', async () => {
    const h = harness();
    await h.prepare({ failFirst: true, until: '1.3', skips: { '1.2': 'made by hand' } });
    const { screen, core } = await h.open({ command: 'resume' }, { columns: 100, rows: 40 });
    const resumed = await screen.waitFor(
      'reopened: no step is running on the target',
      STEP_WAIT_MS,
    );
    const logs = paneRows(resumed, 'Logs')!.join('\n');
    expect(logs).not.toContain('No output yet.');
    expect(logs).toContain('✓ 1.1 succeeded');
    // 1.1's facts, once a readable line; never marker lines.
    expect(logs).toMatch(/· disk used \d+%, memory used \d+%, load [\d. ]+, service state active/);
    expect(resumed).not.toContain('CVD-FACT');
    // Read back once, though resume attaches the deployment twice (prepare, then resume).
    const replayed = core.lines.getSnapshot().lines.map((l) => l.text);
    expect(replayed.filter((t) => t.startsWith('── earlier output'))).toHaveLength(1);
    expect(
      replayed.filter((t) => t.startsWith('── 1.1 Environment Verification (attempt 2)')),
    ).toHaveLength(1);

    // Tab round to the step list: Enter now opens the selected step instead of running one.
    for (const pane of ['Resources', 'Health', 'Steps']) {
      await screen.press(KEY.tab);
      await screen.waitFor(`┏━ ${pane} `);
    }
    // The cursor starts on the step that matters now; the key bar says what Enter does here.
    const list = await screen.waitFor('▸ ○ 1.3 Backup Current System');
    expect(list).toMatch(/Enter open\b/);
    expect(list).not.toMatch(/Enter next\b/);
    await screen.press('k');
    await screen.waitFor('▸ ↷ 1.2 Create Deployment Directory');
    await screen.press(KEY.enter);
    const skipped = await screen.waitFor('1.2 Create Deployment Directory · attempt 1 of 1');
    expect(skipped).toContain('reason: made by hand');
    expect(skipped).toContain('Skipped: nothing ran.');
    // One attempt: nothing to switch to, and the key bar does not offer it.
    expect(skipped).not.toContain('[ ] attempt');
    await screen.press(KEY.escape);
    await screen.waitFor('┏━ Steps ');
    await screen.press('k');
    await screen.waitFor('▸ ✓ 1.1 Environment Verification');
    await screen.press(KEY.enter);
    const second = await screen.waitFor('1.1 Environment Verification · attempt 2 of 2');
    expect(second).toMatch(/#1 ✗ [\d.]+s exit \d+\s+#2 ✓ [\d.]+s exit 0/);
    expect(second).toMatch(/succeeded in [\d.]+s · exit 0 · \d\d:\d\d:\d\d by alice/);
    expect(second).toContain('retry after attempt 1 failed');
    expect(second).toContain('Esc close');

    await screen.press('[');
    const first = await screen.waitFor('1.1 Environment Verification · attempt 1 of 2');
    expect(first).toMatch(/failed in [\d.]+s · exit \d+/);
    expect(first).toContain('cvd is not running');
    await screen.press(']');
    await screen.waitFor('attempt 2 of 2');

    await screen.press(KEY.escape);
    const back = await screen.waitFor('┏━ Steps ');
    // Enter opened a step: nothing ran.
    expect(back).toContain('1.3 Backup Current System — next');
    expect(h.store.attempts(h.store.latest()!.id).filter((a) => a.stepId === '1.3')).toEqual([]);
    // With the Logs pane focused again, Enter runs the next step as before.
    await screen.press(KEY.tab);
    await screen.waitFor('┏━ Logs ');
    await screen.press(KEY.enter);
    const ran = await screen.waitFor('2.1 Stop Application Services — next', STEP_WAIT_MS);
    // 1.3's facts, live: a readable line.
    await screen.waitFor(/· db backup \S+, db backup rows/);
    expect(ran).not.toContain('CVD-FACT');
  }, 300_000);
});
