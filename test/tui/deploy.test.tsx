import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TuiRequest } from '../../src/screens/app/deps.js';
import { KEY } from '../helpers/ink.js';
import {
  cvdctl,
  demoHarness,
  exportedJson,
  FAST_PROBES,
  tickAll,
  type Opened,
  type Preparation,
  type TuiHarness,
} from './harness.js';

/**
 * Steps take seconds each, many more when the machine is loaded: waits for
 * a step's outcome, and the cases that run steps, get room for that.
 */
const STEP_WAIT_MS = 90_000;
const RUNS_STEPS_MS = 300_000;

/** The operator's words in the Execution Log, as typed on the summary. */
const ISSUE = '1.1 found cvd stopped; 4.1 log review done by hand';
const RESOLUTION = 'started cvd, retried 1.1';
/** A deployment that needed the operator: 1.1 failed once (cvd stopped) and was retried, 4.1 skipped. */
const EVENTFUL: Preparation = { failFirst: true, skips: { '4.1': 'log review done by hand' } };

/**
 * A deployment of v1.0.1 to a fresh demo target, driven by keys: start
 * screen, checklist (Enter gate, ticks with who and when, a red item ticked
 * with a reason), then Enter, r, A and s on the phase screen, the three
 * panes, help, export, the summary (issues and resolution asked,
 * post-deployment items ticked, both exported) and q. Every case starts
 * from its own demo target and state file, at the stage it needs (keys up to
 * the checklist, a recorded deployment after it), so any case runs alone.
 */
describe('TUI: deploy with the keys', () => {
  let h: TuiHarness;
  let ui: Opened | undefined;

  beforeEach(async () => {
    h = await demoHarness(FAST_PROBES);
  });
  afterEach(async () => {
    if (ui) await h.close(ui);
    ui = undefined;
    await h.cleanup();
  });

  const open = async (request: TuiRequest) => (ui = await h.open(request));
  /** tech.1's evidence goes red: the newest backup is three hours old. */
  const staleBackup = () =>
    execFileSync('bash', ['-c', 'touch -d "3 hours ago" "$1"/backups/*.db', '_', h.demo.dir]);
  /** The checklist of a new deployment of v1.0.1 (`deploy --version` opens it directly). */
  const checklist = async () => {
    const opened = await open({ command: 'deploy', version: 'v1.0.1' });
    await opened.screen.waitFor('Pre-Deployment Checklist');
    return opened;
  };
  /** The phase screen of a recorded deployment (`resume`), its next step `until`. */
  const phase = async (preparation: Preparation = {}) => {
    await h.prepare(preparation);
    const opened = await open({ command: 'resume' });
    await opened.screen.waitFor('no step is running on the target', STEP_WAIT_MS);
    return opened;
  };
  /** A finished deployment, opened at its summary, with the operator's issue and resolution recorded. */
  const finished = async () => {
    const id = await h.prepare(EVENTFUL);
    h.store.addIssue(id, 'alice', ISSUE);
    h.store.setResolution(id, RESOLUTION);
    ui = await h.openAt(id, 'summary');
    await ui.screen.waitFor('Deployment succeeded in', STEP_WAIT_MS);
    return { ui, id };
  };

  it('draws the start screen before the target has answered, then fills it in', async () => {
    // Every command on the target 1 s late: the first frame comes before the preflight's answer.
    ui = await h.open({ command: undefined, suggestedVersion: 'v1.0.1' }, undefined, 1000);
    const { screen } = ui;
    const first = await screen.waitFor('Version to deploy');
    expect(first).toContain('checking the target for its tags…');
    expect(first).toMatch(/Running\s+checking…/);
    expect(first).toContain('… checking demo');
    const frame = await screen.waitFor('▸ v1.0.1');
    // The suggested version is picked once the tags arrive, though the list was empty at first.
    expect(frame).toMatch(/Running\s+v1\.0\.0 \(commit [0-9a-f]{12}\)/);
    expect(frame).not.toContain('checking');
  });

  it('looks at a local target once the first frame is drawn, not before', async () => {
    // Its checks run on this machine: started before, they took the CPU that frame needed.
    let drawn = () => {};
    const firstFrame = new Promise<void>((resolve) => (drawn = resolve));
    ui = await h.open({ command: undefined, suggestedVersion: 'v1.0.1' }, undefined, 0, firstFrame);
    const preflights = () => h.commands.filter((c) => c.includes('fact tags')).length;
    const first = await ui.screen.waitFor('Version to deploy');
    expect(first).toContain('checking the target for its tags…');
    expect(preflights()).toBe(0);
    drawn();
    const frame = await ui.screen.waitFor('▸ v1.0.1');
    expect(frame).toMatch(/Running\s+v1\.0\.0 \(commit [0-9a-f]{12}\)/);
    expect(preflights()).toBe(1);
  });

  it('shows target, running version, the version picker and the operator', async () => {
    const { screen } = await open({ command: undefined, suggestedVersion: 'v1.0.1' });
    const frame = await screen.waitFor('▸ v1.0.1');
    expect(frame).toMatch(/Target\s+demo \(local\)/);
    expect(frame).toMatch(/Running\s+v1\.0\.0 \(commit [0-9a-f]{12}\)/);
    expect(frame).toMatch(/Operator\s+alice/);
    expect(frame).toMatch(/▸ v1\.0\.1/);
    expect(frame).toContain('v1.0.0 (running)');
  });

  it('Enter on the picked version opens the checklist, with the evidence beside the items', async () => {
    staleBackup();
    const { screen } = await open({ command: undefined, suggestedVersion: 'v1.0.1' });
    await screen.waitFor('▸ v1.0.1');
    await screen.press(KEY.enter);
    const frame = await screen.waitFor('Pre-Deployment Checklist');
    expect(frame).toContain('v1.0.0 → v1.0.1');
    for (const group of ['Authorization', 'Technical Prerequisites', 'Team Readiness'])
      expect(frame).toContain(group);
    expect(frame).toMatch(/tech\.3 Git tag created for release version\s+✓ tag found/);
    expect(frame).toMatch(/tech\.1 .*✗ nightly_\d+\.db, 3\.\d h old/);
  });

  it('Enter does not continue while items are unticked', async () => {
    const { screen } = await checklist();
    await screen.press(KEY.enter);
    const frame = await screen.waitFor('Tick every item before continuing');
    expect(frame).toContain('12 left');
    expect(frame).toContain('Pre-Deployment Checklist');
  });

  it('Space ticks the item under the cursor and records who and when', async () => {
    const { screen, core } = await checklist();
    await screen.press(KEY.space);
    const frame = await screen.waitFor('(1/12 ticked)');
    expect(frame).toMatch(/auth\.1: ticked by alice at \d\d:\d\d:\d\d/);
    const tick = h.store.checklist(core.runner!.deployment.id).find((c) => c.itemId === 'auth.1')!;
    expect(tick).toMatchObject({ checked: true, by: 'alice' });
    expect(Date.now() - tick.at!).toBeLessThan(60_000);
    // Space again unticks; once more ticks.
    await screen.press(KEY.space);
    await screen.waitFor('(0/12 ticked)');
    await screen.press(KEY.space);
    await screen.waitFor('(1/12 ticked)');
  });

  it('a red item asks for a reason, and Esc leaves it unticked', async () => {
    staleBackup();
    const { screen } = await checklist();
    await screen.press('j', 'j', 'j', 'j');
    await screen.waitFor('tech.1: not ticked');
    await screen.press(KEY.space);
    await screen.waitFor('Reason to tick it anyway');
    await screen.press(KEY.escape);
    const frame = await screen.waitFor((f) => !f.includes('Reason to tick it anyway'));
    expect(frame).toContain('(0/12 ticked)');
    expect(frame).toContain('tech.1: not ticked');
  });

  it('a red item is ticked with the reason typed', async () => {
    staleBackup();
    const { screen, core } = await checklist();
    await screen.press('j', 'j', 'j', 'j');
    await screen.waitFor('tech.1: not ticked');
    await screen.press(KEY.space);
    await screen.waitFor('Reason to tick it anyway');
    await screen.type('backup taken by hand at 09:00');
    await screen.press(KEY.enter);
    const frame = await screen.waitFor('(1/12 ticked)');
    expect(frame).toContain('reason: backup taken by hand at 09:00');
    const tick = h.store.checklist(core.runner!.deployment.id).find((c) => c.itemId === 'tech.1')!;
    expect(tick).toMatchObject({
      checked: true,
      by: 'alice',
      evidenceOk: false,
      reason: 'backup taken by hand at 09:00',
    });
  });

  it('Enter continues once every item is ticked', async () => {
    const opened = await checklist();
    await tickAll(opened);
    await opened.screen.press(KEY.enter);
    const frame = await opened.screen.waitFor('Steps');
    for (const pane of ['Logs', 'Resources', 'Health']) expect(frame).toContain(pane);
  });

  it(
    'Enter runs the next step; a failure offers r, which retries it',
    async () => {
      const { screen, core } = await phase({ until: '1.1' });
      cvdctl(h.demo, 'stop');
      await screen.waitFor('1.1 Environment Verification — next');
      await screen.press(KEY.enter);
      let frame = await screen.waitFor('1.1 failed: cvd is not running', STEP_WAIT_MS);
      expect(frame).toContain('r retry');
      expect(frame).toMatch(/✗ 1\.1 Environment Verification/);
      cvdctl(h.demo, 'start');
      await screen.press('r');
      frame = await screen.waitFor(/✓ 1\.1 Environment Verification\s+\d+\.\ds/, STEP_WAIT_MS);
      expect(
        h.store.attempts(core.runner!.deployment.id).filter((a) => a.stepId === '1.1'),
      ).toHaveLength(2);
    },
    RUNS_STEPS_MS,
  );

  it(
    'shows the three panes: Logs with step output, Resources against thresholds, Health',
    async () => {
      const { screen } = await phase({ until: '1.1' });
      await screen.press(KEY.enter);
      const panes = [
        /disk \/\s+\d+%/,
        /memory\s+\d+%\s+cpu\s+\d+%/,
        /\/health\s+200 \d+ ms/,
        /\/health\/detailed\s+healthy \(200\)/,
        /✓ 1\.1 succeeded/,
      ];
      const frame = await screen.waitFor((f) => panes.every((p) => p.test(f)), STEP_WAIT_MS);
      expect(frame).toMatch(/\/health\/database\s+200 \d+ ms/);
    },
    RUNS_STEPS_MS,
  );

  it(
    'A runs the rest of the phase',
    async () => {
      const { screen } = await phase({ until: '1.1' });
      await screen.press('A');
      const frame = await screen.waitFor('Phase 1 complete', STEP_WAIT_MS);
      expect(frame).toMatch(/✓ 1 Pre-Deployment Preparation/);
      expect(frame).toContain('2.1 Stop Application Services — next');
    },
    RUNS_STEPS_MS,
  );

  it(
    '? lists the keys of the phase screen only, and closes again',
    async () => {
      const { screen } = await phase({ until: '1.1' });
      await screen.press('?');
      let frame = await screen.waitFor('cvd-tui keys');
      for (const key of ['Enter', 'A', 'Tab', 'PgUp', 'Ctrl-C']) expect(frame).toContain(key);
      expect(frame).toContain('roll back (asks y to confirm)');
      // Space ticks checklist items: it does nothing here, so it is not listed.
      expect(frame).not.toContain('Space');
      await screen.press('?');
      frame = await screen.waitFor('Steps');
      expect(frame).not.toContain('cvd-tui keys');
    },
    RUNS_STEPS_MS,
  );

  it('? on the checklist lists Space, not the phase keys', async () => {
    const { screen } = await checklist();
    await screen.press('?');
    const frame = await screen.waitFor('cvd-tui keys');
    expect(frame).toMatch(/Space\s+tick or untick the item under the cursor/);
    for (const key of ['Tab', 'PgUp', 'retry', 'skip']) expect(frame).not.toContain(key);
    await screen.press(KEY.escape);
    await screen.waitFor('Pre-Deployment Checklist');
  });

  it(
    'Tab moves the focus across Logs, Resources, Health and the step list',
    async () => {
      const { screen } = await phase({ until: '1.1' });
      expect(screen.frame()).toContain('┏━ Logs');
      await screen.press(KEY.tab);
      await screen.waitFor('┏━ Resources');
      await screen.press(KEY.tab);
      await screen.waitFor('┏━ Health');
      await screen.press(KEY.tab);
      await screen.waitFor('┏━ Steps');
      await screen.press(KEY.tab);
      await screen.waitFor('┏━ Logs');
    },
    RUNS_STEPS_MS,
  );

  it(
    'phases 2 and 3 run with A, then s skips a step with a reason',
    async () => {
      const { screen, core } = await phase({ until: '2.1' });
      await screen.press('A');
      await screen.waitFor('Phase 2 complete', STEP_WAIT_MS);
      await screen.press('A');
      await screen.waitFor('Phase 3 complete', STEP_WAIT_MS);
      await screen.press('s');
      await screen.waitFor('Skip 4.1 Monitor Application Logs — reason:');
      await screen.type('log review done by hand');
      await screen.press(KEY.enter);
      const frame = await screen.waitFor(/↷ 4\.1 Monitor Application Logs/, STEP_WAIT_MS);
      expect(frame).toContain('4.2 Performance Baseline Check — next');
      const skipped = h.store.attempts(core.runner!.deployment.id).find((a) => a.stepId === '4.1')!;
      expect(skipped).toMatchObject({
        status: 'skipped',
        reason: 'log review done by hand',
        by: 'alice',
      });
    },
    RUNS_STEPS_MS,
  );

  it(
    'e writes the execution log and shows its path',
    async () => {
      const { screen, core } = await phase({ ...EVENTFUL, until: '4.2' });
      await screen.press('e');
      const frame = await screen.waitFor('Execution log written to');
      const file = join(h.exportDir, `cvd-deployment-${core.runner!.deployment.id}.md`);
      expect(frame).toContain(file);
      expect(readFileSync(file, 'utf8')).toContain('log review done by hand');
    },
    RUNS_STEPS_MS,
  );

  it(
    'the summary asks for the issues and resolution after a retried and a skipped step',
    async () => {
      const { screen, core } = await phase({ ...EVENTFUL, until: '5.1' });
      await screen.press('A');
      let frame = await screen.waitFor(
        'Issues encountered: (Enter to save; empty to skip)',
        STEP_WAIT_MS,
      );
      expect(frame).toContain('Deployment succeeded in');
      // The prompt starts as the failures on record; the operator writes their own words instead.
      await screen.press(KEY.ctrlU);
      await screen.waitFor(/^›\s*$/m);
      await screen.type(ISSUE);
      await screen.press(KEY.enter);
      // The next prompt starts empty: the issue typed is not carried into it.
      frame = await screen.waitFor('Resolution: (Enter to save; empty to skip)');
      expect(frame).toMatch(/^›\s*$/m);
      await screen.type(RESOLUTION);
      await screen.press(KEY.enter);
      frame = await screen.waitFor(`Resolution: ${RESOLUTION}`);
      expect(frame).toContain(`Issues encountered: ${ISSUE}`);
      const id = core.runner!.deployment.id;
      expect(h.store.issues(id).map((i) => [i.by, i.text])).toEqual([['alice', ISSUE]]);
      expect(h.store.deployment(id)!.resolution).toBe(RESOLUTION);
    },
    RUNS_STEPS_MS,
  );

  it(
    'the summary fills in the verification and offers post-deployment items to tick',
    async () => {
      const { ui: summary, id } = await finished();
      let frame = summary.screen.frame();
      expect(frame).toMatch(
        /\[x\] Health endpoints responding \(200 status\)\s+3\.2: all health checks passed/,
      );
      expect(frame).toMatch(/\[ \] No critical errors in logs/);
      expect(frame).toContain('Documentation Updates');
      expect(frame).toContain('Communication');
      await summary.screen.press(KEY.space, 'j', KEY.space);
      frame = await summary.screen.waitFor(
        (f) => (f.match(/\[x\] (Update version|Record deployment)/g) ?? []).length === 2,
      );
      await summary.screen.press('e');
      await summary.screen.waitFor('Execution log written to');
      const log = readFileSync(join(h.exportDir, `cvd-deployment-${id}.md`), 'utf8');
      expect(log).toContain(
        'post-deployment ticked — alice: docs.1 Update version in documentation',
      );
      expect(log).toContain(
        'post-deployment ticked — alice: docs.2 Record deployment in change log',
      );
      expect(log).toMatch(/^- \[x\] docs\.1 Update version in documentation — alice, \d{4}-/m);
      expect(log).toContain('- [ ] comm.1 Notify stakeholders of successful deployment\n');
      expect(log).toContain(`- Issues Encountered: ${ISSUE} (alice, `);
      expect(log).toContain(`- Resolution: ${RESOLUTION}\n`);
    },
    RUNS_STEPS_MS,
  );

  it(
    "cvd-tui export's JSON has the issues, the resolution and the post-deployment ticks",
    async () => {
      const { ui: summary, id } = await finished();
      await summary.screen.press(KEY.space, 'j', KEY.space);
      await summary.screen.waitFor(
        (f) => (f.match(/\[x\] (Update version|Record deployment)/g) ?? []).length === 2,
      );
      const log = await exportedJson(h, id);
      // The operator's note first, then what the record shows: the failed attempt and the skip.
      expect(log.issues).toEqual([
        { at: expect.any(String), by: 'alice', text: ISSUE },
        {
          at: expect.any(String),
          by: 'alice',
          text: '1.1 attempt 1 failed: cvd is not running: expected active, got inactive',
        },
        { at: expect.any(String), by: 'alice', text: '4.1 skipped: log review done by hand' },
      ]);
      expect(log.resolution).toBe(RESOLUTION);
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
    },
    RUNS_STEPS_MS,
  );

  it(
    'q leaves with exit 0 after a verified deployment',
    async () => {
      const { ui } = await finished();
      await ui.screen.press('q');
      expect(h.exits).toEqual([
        { code: 0, message: expect.stringContaining('succeeded'), stepRunning: false },
      ]);
    },
    RUNS_STEPS_MS,
  );
});
