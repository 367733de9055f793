import { afterEach, describe, expect, it } from 'vitest';
import { KEY, type TestScreen } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';
import { phaseState, renderState } from './fixture.js';

const lines = (frame: string) => frame.split('\n');

describe('phase screen layout', () => {
  let screen: TestScreen | undefined;
  let fixture: ReturnType<typeof phaseState> | undefined;
  const fresh = () => (fixture = phaseState());
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });

  it('fits 80×24: steps, current command, and the Logs, Resources and Health panes', async () => {
    const { core, state } = fresh();
    screen = await renderState(core, state, { columns: 80, rows: 24 });
    const frame = await screen.waitFor('Logs');
    expect(lines(frame).length).toBeLessThanOrEqual(23);
    for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines(frame)[0]).toMatch(
      /^cvd-tui Deploy · prod · v1\.0\.0 → v1\.0\.1 · alice\s+\[in progress\]$/,
    );
    expect(frame).toMatch(/▶ 2\.3 Database Migration — running \d/);
    expect(frame).toContain("$ sqlite3 '/opt/cvd/data/cvd.db' < 'migrations/migration_v1.0.1.sql'");
    expect(frame).toMatch(/✓ 1 Pre-Deployment Preparation\s+3\.7s/);
    expect(frame).toMatch(/app fs\s+83%!/);
    expect(frame).toContain('Health (SSH tunnel)');
    expect(frame).toMatch(/\/health\/database\s+500/);
    // The error.log tail is kept apart from the step output: the title says a line came in.
    expect(frame).toContain('Logs · error.log +1 (l)');
    expect(frame).toContain('… running 2.3 Database Migration');
  });

  it('follows a resize: larger terminals list every phase and step', async () => {
    const { core, state } = fresh();
    screen = await renderState(core, state, { columns: 80, rows: 24 });
    expect(await screen.waitFor('Logs')).not.toContain('5.3 Final Verification');
    await screen.resize(140, 50);
    const frame = await screen.waitFor('5.3 Final Verification');
    expect(lines(frame).length).toBeLessThanOrEqual(49);
    for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(140);
    await screen.resize(80, 24);
    await screen.waitFor(
      (f) => !f.includes('5.3 Final Verification') && lines(f).every((l) => l.length <= 80),
    );
  });

  it('scrolls the Logs pane back and follows the tail again', async () => {
    const { core, state } = fresh();
    screen = await renderState(core, state, { columns: 100, rows: 30 });
    await screen.waitFor('migration line 40');
    await screen.press(KEY.up, KEY.up, KEY.up);
    let frame = await screen.waitFor('· paused, 3 newer below (G: follow)');
    expect(frame).not.toContain('migration line 40');
    await screen.press(KEY.pageUp);
    frame = await screen.waitFor(/· paused, 1\d newer below/);
    await screen.press(...Array(30).fill(KEY.down));
    frame = await screen.waitFor((f) => f.includes('migration line 40') && !f.includes('paused'));
    expect(frame).toContain('━ Logs · error.log +1 (l) ━');
  });

  it('under a flood of output the render work stays bounded and keys stay responsive', async () => {
    const { core, state } = fresh();
    let commits = 0;
    screen = await renderState(core, state, { columns: 100, rows: 30 }, () => commits++);
    await screen.waitFor('Logs');
    commits = 0;
    const started = Date.now();
    // 80,000 lines in bursts of 400, one burst a timer tick. Responsive is
    // judged against the flood, not a clock: on a loaded machine both slow down.
    const BURSTS = 200;
    let bursts = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 400; i++) core.lines.push(`flood ${i} ${'x'.repeat(60)}`);
      if (++bursts === BURSTS) clearInterval(timer);
    }, 5);
    try {
      await screen.waitFor('flood');
      await screen.press(KEY.tab);
      await screen.waitFor('┏━ Resources');
      // The key acted while the flood went on, not after it.
      expect(bursts).toBeLessThan(BURSTS);
      await waitFor(() => bursts === BURSTS, 60_000);
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - started;
    // Batched at 75 ms: ~13 commits a second from lines, plus the key and the running step's clock.
    expect(commits).toBeLessThanOrEqual(Math.ceil(elapsed / 75) + 6);
    expect(core.lines.getSnapshot().lines.length).toBe(2000);
  });

  it('Ctrl-C while a step runs asks before abandoning the wait; Esc keeps waiting', async () => {
    const { core, state, exits } = fresh();
    screen = await renderState(core, state, { columns: 100, rows: 30 });
    await screen.waitFor('Logs');
    // The fixture's state says busy, the core does not: mark it busy the way work() does.
    (core as unknown as { working: string }).working = 'running 2.3 Database Migration';
    await screen.press(KEY.ctrlC);
    // No runner, so no step to name: the question names the work under way.
    await screen.waitFor('Stop running 2.3 Database Migration and quit?');
    await screen.press(KEY.escape);
    await screen.waitFor((f) => !f.includes('and quit?'));
    await screen.press(KEY.ctrlC, 'y');
    // No runner in this fixture, so no resume hint: the real one is in resume.test.tsx.
    expect(exits).toMatchObject([{ code: 130, stepRunning: true }]);
  });
});
