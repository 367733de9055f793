import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, type TestScreen } from '../helpers/ink.js';
import { paneRows } from '../helpers/panes.js';
import { phaseState, renderState } from './fixture.js';

/**
 * Issue 13, the Logs pane as an operator reads it: the error.log tail apart
 * from the step output (`l`), repeats collapsed, `w` wrap, `g`/`G`, `f`,
 * `/` search and `n`; and the Health pane saying when a failing endpoint is
 * asked next. On the hand-built phase screen (fixture.tsx): the Logs pane
 * has focus, 40 lines of output, one error.log line.
 */
describe('TUI: reading the Logs pane', () => {
  let screen: TestScreen | undefined;
  let fixture: ReturnType<typeof phaseState> | undefined;
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });
  const open = async () => {
    fixture = phaseState();
    screen = await renderState(fixture.core, fixture.state, { columns: 100, rows: 30 });
    await screen.waitFor('migration line 40');
    return { screen, core: fixture.core };
  };
  const logs = (frame: string) => (paneRows(frame, 'Logs') ?? []).map((r) => r.trimEnd());

  it('keeps error.log apart (l), collapsing a line the app repeats', async () => {
    const { screen, core } = await open();
    expect(screen.frame()).not.toContain('ERROR database check failed');
    for (let s = 10; s < 22; s++)
      core.appLog.push(`2026-01-01T12:00:${s}Z ERROR database check failed: no such table`, 'log');
    // The fixture's own error.log line and twelve more of the same: one line, thirteen times.
    await screen.waitFor('error.log +13 (l)');
    await screen.press('l');
    const frame = await screen.waitFor('Logs: error.log (l: step output)');
    expect(frame).toContain(
      '2026-01-01T12:00:21Z ERROR database check failed: no such table  … ×13',
    );
    expect(frame).not.toContain('migration line 40');
    await screen.press('l');
    const back = await screen.waitFor((f) => f.includes('migration line 40'));
    expect(back).not.toContain('error.log +');
  });

  it('w wraps a long line; g and G go to the top and the end; f stops following', async () => {
    const { screen, core } = await open();
    core.lines.push(`long ${'y'.repeat(150)} TAIL-OF-THE-LINE`);
    await screen.waitFor('long yyy');
    expect(screen.frame()).not.toContain('TAIL-OF-THE-LINE');
    await screen.press('w');
    await screen.waitFor((f) => f.includes('TAIL-OF-THE-LINE') && f.includes('· wrap'));
    await screen.press('g');
    const top = await screen.waitFor((f) => logs(f).some((r) => r.endsWith('migration line 1')));
    expect(top).toMatch(/paused, \d+ newer below/);
    await screen.press('G');
    await screen.waitFor((f) => f.includes('TAIL-OF-THE-LINE') && !f.includes('paused'));
    await screen.press('f');
    await screen.waitFor('paused, 0 newer below');
    core.lines.push('arrived while paused');
    await screen.waitFor('paused, 1 newer below');
    expect(screen.frame()).not.toContain('arrived while paused');
    await screen.press('f');
    await screen.waitFor('arrived while paused');
  });

  it('/ finds the newest match and n the older ones; Esc leaves the query unchanged', async () => {
    const { screen } = await open();
    await screen.press('/');
    await screen.waitFor('Enter find · Esc cancel');
    // Typed keys go to the query, not to the screen: q does not quit, r does not retry.
    await screen.type('line 1q');
    await screen.press(KEY.backspace, KEY.enter);
    const found = await screen.waitFor('· /line 1');
    expect(found).toContain('Logs');
    expect(fixture!.exits).toEqual([]);
    // The newest line with "line 1" is "migration line 19", now in view.
    expect(logs(found).some((r) => r.endsWith('migration line 19'))).toBe(true);
    await screen.press('g');
    await screen.press('n');
    await screen.waitFor((f) => logs(f).some((r) => r.endsWith('migration line 18')));
    await screen.press('/');
    await screen.type('nowhere');
    await screen.press(KEY.enter);
    await screen.waitFor('/nowhere not found');
    await screen.press('/');
    await screen.press(KEY.escape);
    await screen.waitFor((f) => !f.includes('Enter find') && f.includes('/nowhere not found'));
  });

  it('? lists the Logs keys while the Logs pane has focus', async () => {
    const { screen } = await open();
    await screen.press('?');
    const help = await screen.waitFor('cvd-tui keys');
    for (const text of ['wrap long lines', 'search', 'error.log tail', 'first lines'])
      expect(help).toContain(text);
  });

  it('Health: a failing endpoint backing off says when it is asked next', async () => {
    const { screen, core } = await open();
    const now = Date.now();
    // Set outside the screen's own updates, as the probe does: inside act() for React's test mode.
    await act(async () =>
      core.health.set({
        at: now,
        via: 'direct',
        readings: [
          { name: 'health', path: '/health', code: 200, latencyMs: 4 },
          {
            name: 'detailed',
            path: '/health/detailed',
            code: 200,
            latencyMs: 9,
            status: 'healthy',
          },
          {
            name: 'database',
            path: '/health/database',
            code: 500,
            latencyMs: 12,
            nextCheckAt: now + 12_000,
          },
        ],
      }),
    );
    const frame = await screen.waitFor(/\/health\/database\s+500 · next check in 1[12]s/);
    expect(frame).toMatch(/\/health\s+200 4 ms/);
  });
});
