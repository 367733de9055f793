import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY } from '../helpers/ink.js';
import { demoHarness, exportedJson, FAST_PROBES, type Opened, type TuiHarness } from './harness.js';

/**
 * One deployment of v1.0.1 to a fresh demo target, driven by keys only:
 * start screen, checklist (Enter gate, ticks with who and when, a red item
 * ticked with a reason), then Enter, r, A and s on the phase screen, the
 * three panes, help, export, the summary (issues and resolution asked,
 * post-deployment items ticked, both exported) and q.
 */
describe('TUI: deploy with the keys', () => {
  let h: TuiHarness;
  let ui: Opened;
  const cvdctl = (action: string) => execFileSync(join(h.demo.dir, 'bin', 'cvdctl'), [action]);

  beforeAll(async () => {
    h = await demoHarness(FAST_PROBES);
    // tech.1's evidence goes red: the newest backup is three hours old.
    execFileSync('bash', ['-c', 'touch -d "3 hours ago" "$1"/backups/*.db', '_', h.demo.dir]);
    ui = await h.open({ command: undefined, suggestedVersion: 'v1.0.1' });
  });
  afterAll(async () => {
    await h.close(ui);
    await h.cleanup();
  });

  it('shows target, running version, the version picker and the operator', async () => {
    const frame = await ui.screen.waitFor('Version to deploy');
    expect(frame).toMatch(/Target\s+demo \(local\)/);
    expect(frame).toMatch(/Running\s+v1\.0\.0 \(commit [0-9a-f]{12}\)/);
    expect(frame).toMatch(/Operator\s+alice/);
    expect(frame).toMatch(/▸ v1\.0\.1/);
    expect(frame).toContain('v1.0.0 (running)');
  });

  it('Enter on the picked version opens the checklist', async () => {
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor('Pre-Deployment Checklist');
    expect(frame).toContain('v1.0.0 → v1.0.1');
    for (const group of ['Authorization', 'Technical Prerequisites', 'Team Readiness'])
      expect(frame).toContain(group);
    expect(frame).toMatch(/tech\.3 Git tag created for release version\s+✓ tag found/);
    expect(frame).toMatch(/tech\.1 .*✗ nightly_\d+\.db, 3\.\d h old/);
  });

  it('Enter does not continue while items are unticked', async () => {
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor('Tick every item before continuing');
    expect(frame).toContain('12 left');
    expect(frame).toContain('Pre-Deployment Checklist');
  });

  it('Space ticks the item under the cursor and records who and when', async () => {
    await ui.screen.press(KEY.space);
    const frame = await ui.screen.waitFor('(1/12 ticked)');
    expect(frame).toMatch(/auth\.1: ticked by alice at \d\d:\d\d:\d\d/);
    const tick = h.store
      .checklist(ui.core.runner!.deployment.id)
      .find((c) => c.itemId === 'auth.1')!;
    expect(tick).toMatchObject({ checked: true, by: 'alice' });
    expect(Date.now() - tick.at!).toBeLessThan(60_000);
    // Space again unticks; once more ticks.
    await ui.screen.press(KEY.space);
    await ui.screen.waitFor('(0/12 ticked)');
    await ui.screen.press(KEY.space);
    await ui.screen.waitFor('(1/12 ticked)');
  });

  it('a red item asks for a reason, and Esc leaves it unticked', async () => {
    await ui.screen.press('j', 'j', 'j', 'j');
    await ui.screen.waitFor('tech.1: not ticked');
    await ui.screen.press(KEY.space);
    await ui.screen.waitFor('Reason to tick it anyway');
    await ui.screen.press(KEY.escape);
    const frame = await ui.screen.waitFor((f) => !f.includes('Reason to tick it anyway'));
    expect(frame).toContain('(1/12 ticked)');
  });

  it('a red item is ticked with the reason typed', async () => {
    await ui.screen.press(KEY.space);
    await ui.screen.waitFor('Reason to tick it anyway');
    await ui.screen.type('backup taken by hand at 09:00');
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor('(2/12 ticked)');
    expect(frame).toContain('reason: backup taken by hand at 09:00');
    const tick = h.store
      .checklist(ui.core.runner!.deployment.id)
      .find((c) => c.itemId === 'tech.1')!;
    expect(tick).toMatchObject({
      checked: true,
      by: 'alice',
      evidenceOk: false,
      reason: 'backup taken by hand at 09:00',
    });
  });

  it('Enter continues once every item is ticked', async () => {
    await ui.screen.press('k', 'k', 'k', 'k');
    for (const key of ['j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j']) {
      const frame = ui.screen.frame();
      const current = /(\w+\.\d): (not ticked|ticked)/.exec(frame)!;
      if (current[2] === 'not ticked') {
        await ui.screen.press(KEY.space);
        await ui.screen.waitFor(`${current[1]}: ticked`);
      }
      await ui.screen.press(key);
    }
    await ui.screen.press(KEY.space);
    await ui.screen.waitFor('(12/12 ticked)');
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor('Steps');
    for (const pane of ['Logs', 'Resources', 'Health']) expect(frame).toContain(pane);
  });

  it('Enter runs the next step; a failure offers r, which retries it', async () => {
    cvdctl('stop');
    await ui.screen.waitFor('1.1 Environment Verification — next');
    await ui.screen.press(KEY.enter);
    let frame = await ui.screen.waitFor('1.1 failed: cvd is not running');
    expect(frame).toContain('r retry');
    expect(frame).toMatch(/✗ 1\.1 Environment Verification/);
    cvdctl('start');
    await ui.screen.press('r');
    frame = await ui.screen.waitFor(/✓ 1\.1 Environment Verification\s+\d+\.\ds/);
    expect(
      h.store.attempts(ui.core.runner!.deployment.id).filter((a) => a.stepId === '1.1'),
    ).toHaveLength(2);
  });

  it('shows the three panes: Logs with step output, Resources against thresholds, Health', async () => {
    // The app was stopped and started again just before: wait for the probes' next readings.
    const panes = [
      /disk \/\s+\d+%/,
      /memory\s+\d+%\s+cpu\s+\d+%/,
      /\/health\s+200 \d+ ms/,
      /\/health\/detailed\s+healthy \(200\)/,
      /✓ 1\.1 succeeded/,
    ];
    const frame = await ui.screen.waitFor((f) => panes.every((p) => p.test(f)));
    expect(frame).toMatch(/\/health\/database\s+200 \d+ ms/);
  });

  it('A runs the rest of the phase', async () => {
    await ui.screen.press('A');
    const frame = await ui.screen.waitFor('Phase 1 complete');
    expect(frame).toMatch(/✓ 1 Pre-Deployment Preparation/);
    expect(frame).toContain('2.1 Stop Application Services — next');
  });

  it('? shows the keys and closes again', async () => {
    await ui.screen.press('?');
    let frame = await ui.screen.waitFor('cvd-tui keys');
    for (const key of ['Space', 'Enter', 'Tab', 'Ctrl-C']) expect(frame).toContain(key);
    expect(frame).toContain('roll back (asks y to confirm)');
    await ui.screen.press('?');
    frame = await ui.screen.waitFor('Steps');
    expect(frame).not.toContain('cvd-tui keys');
  });

  it('Tab moves the focus across Logs, Resources and Health', async () => {
    expect(ui.screen.frame()).toContain('┏━ Logs');
    await ui.screen.press(KEY.tab);
    await ui.screen.waitFor('┏━ Resources');
    await ui.screen.press(KEY.tab);
    await ui.screen.waitFor('┏━ Health');
    await ui.screen.press(KEY.tab);
    await ui.screen.waitFor('┏━ Logs');
  });

  it('phases 2 and 3 run with A, then s skips a step with a reason', async () => {
    await ui.screen.press('A');
    await ui.screen.waitFor('Phase 2 complete');
    await ui.screen.press('A');
    await ui.screen.waitFor('Phase 3 complete');
    await ui.screen.press('s');
    await ui.screen.waitFor('Skip 4.1 Monitor Application Logs — reason:');
    await ui.screen.type('log review done by hand');
    await ui.screen.press(KEY.enter);
    const frame = await ui.screen.waitFor(/↷ 4\.1 Monitor Application Logs/);
    expect(frame).toContain('4.2 Performance Baseline Check — next');
    const skipped = h.store
      .attempts(ui.core.runner!.deployment.id)
      .find((a) => a.stepId === '4.1')!;
    expect(skipped).toMatchObject({
      status: 'skipped',
      reason: 'log review done by hand',
      by: 'alice',
    });
  });

  it('e writes the execution log and shows its path', async () => {
    await ui.screen.press('e');
    const frame = await ui.screen.waitFor('Execution log written to');
    const id = ui.core.runner!.deployment.id;
    const file = join(h.exportDir, `cvd-deployment-${id}.md`);
    expect(frame).toContain(file);
    expect(readFileSync(file, 'utf8')).toContain('log review done by hand');
  });

  it('the summary asks for the issues and resolution after a retried and a skipped step', async () => {
    await ui.screen.press('A');
    await ui.screen.waitFor('Phase 4 complete');
    await ui.screen.press('A');
    let frame = await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
    expect(frame).toContain('Deployment succeeded in');
    await ui.screen.type('1.1 found cvd stopped; 4.1 log review done by hand');
    await ui.screen.press(KEY.enter);
    // The next prompt starts empty: the issue typed is not carried into it.
    frame = await ui.screen.waitFor('Resolution: (Enter to save; empty to skip)');
    expect(frame).toMatch(/^›\s*$/m);
    await ui.screen.type('started cvd, retried 1.1');
    await ui.screen.press(KEY.enter);
    frame = await ui.screen.waitFor('Resolution: started cvd, retried 1.1');
    expect(frame).toContain(
      'Issues encountered: 1.1 found cvd stopped; 4.1 log review done by hand',
    );
    const id = ui.core.runner!.deployment.id;
    expect(h.store.issues(id).map((i) => [i.by, i.text])).toEqual([
      ['alice', '1.1 found cvd stopped; 4.1 log review done by hand'],
    ]);
    expect(h.store.deployment(id)!.resolution).toBe('started cvd, retried 1.1');
  });

  it('the summary fills in the verification and offers post-deployment items to tick', async () => {
    let frame = ui.screen.frame();
    expect(frame).toMatch(
      /\[x\] Health endpoints responding \(200 status\)\s+3\.2: all health checks passed/,
    );
    expect(frame).toMatch(/\[ \] No critical errors in logs/);
    expect(frame).toContain('Documentation Updates');
    expect(frame).toContain('Communication');
    await ui.screen.press(KEY.space, 'j', KEY.space);
    frame = await ui.screen.waitFor(
      (f) => (f.match(/\[x\] (Update version|Record deployment)/g) ?? []).length === 2,
    );
    await ui.screen.press('e');
    await ui.screen.waitFor('Execution log written to');
    const log = readFileSync(
      join(h.exportDir, `cvd-deployment-${ui.core.runner!.deployment.id}.md`),
      'utf8',
    );
    expect(log).toContain('post-deployment ticked — alice: docs.1 Update version in documentation');
    expect(log).toContain('post-deployment ticked — alice: docs.2 Record deployment in change log');
    expect(log).toMatch(/^- \[x\] docs\.1 Update version in documentation — alice, \d{4}-/m);
    expect(log).toContain('- [ ] comm.1 Notify stakeholders of successful deployment\n');
    expect(log).toContain(
      '- Issues Encountered: 1.1 found cvd stopped; 4.1 log review done by hand (alice, ',
    );
    expect(log).toContain('- Resolution: started cvd, retried 1.1\n');
  });

  it("cvd-tui export's JSON has the issues, the resolution and the post-deployment ticks", async () => {
    const log = await exportedJson(h, ui.core.runner!.deployment.id);
    // The operator's note first, then what the record shows: the failed attempt and the skip.
    expect(log.issues).toEqual([
      {
        at: expect.any(String),
        by: 'alice',
        text: '1.1 found cvd stopped; 4.1 log review done by hand',
      },
      {
        at: expect.any(String),
        by: 'alice',
        text: '1.1 attempt 1 failed: cvd is not running: expected active, got inactive',
      },
      { at: expect.any(String), by: 'alice', text: '4.1 skipped: log review done by hand' },
    ]);
    expect(log.resolution).toBe('started cvd, retried 1.1');
    expect(log.postDeployment).toHaveLength(9);
    expect(log.postDeployment.slice(0, 3)).toEqual([
      {
        id: 'docs.1',
        label: 'Update version in documentation',
        checked: true,
        by: 'alice',
        at: expect.stringMatching(/^\d{4}-/),
      },
      {
        id: 'docs.2',
        label: 'Record deployment in change log',
        checked: true,
        by: 'alice',
        at: expect.stringMatching(/^\d{4}-/),
      },
      {
        id: 'docs.3',
        label: 'Update configuration documentation if changed',
        checked: false,
        by: null,
        at: null,
      },
    ]);
  });

  it('q leaves with exit 0 after a verified deployment', async () => {
    await ui.screen.press('q');
    expect(h.exits).toEqual([
      { code: 0, message: expect.stringContaining('succeeded'), stepRunning: false },
    ]);
  });
});
