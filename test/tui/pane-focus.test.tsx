import { describe, expect, it } from 'vitest';
import { shownText, windowOf } from '../../src/screens/components/line-window.js';
import { KEY } from '../helpers/ink.js';
import { firstRow, paneRows } from '../helpers/panes.js';
import { FAST_PROBES, harnessPerCase } from './harness.js';

/** Steps take seconds each, many more when the machine is loaded. */
const STEP_WAIT_MS = 90_000;

/**
 * Issue 13: after the first Tab, every pane lost its first line for the rest
 * of the session (Ink 6.8 gave the box its hidden top border back when only
 * `borderStyle` changed). Tab goes round twice (the step list is in the ring too); after each press every
 * pane's first line must still be drawn: Resources' disk row, Health's
 * /health row, and the first line of the Logs window.
 */
describe('TUI: Tab keeps every pane whole', () => {
  const harness = harnessPerCase(FAST_PROBES);

  it("keeps each pane's first line after every Tab", async () => {
    const h = harness();
    await h.prepare({ until: '1.1' });
    const { screen, core } = await h.open({ command: 'resume' });
    await screen.waitFor('no step is running on the target', STEP_WAIT_MS);
    // 1.1's output fills the Logs window, so its first row is a line of output, not a blank.
    await screen.press(KEY.enter);
    await screen.waitFor('1.2 Create Deployment Directory — next', STEP_WAIT_MS);
    /** The Logs window's first line as the pane would draw it, from the line store itself. */
    const firstLogLine = (frame: string) => {
      const rows = paneRows(frame, 'Logs')?.length ?? 0;
      const line = windowOf(core.lines.getSnapshot().lines, rows, null).shown[0];
      return line ? shownText(line) : '';
    };
    const whole = (focused: string) => (frame: string) =>
      frame.includes(`┏━ ${focused} `) &&
      firstRow(frame, 'Resources').startsWith('disk /') &&
      /^\/health\s/.test(firstRow(frame, 'Health')) &&
      // Blank only where the window's first line is itself blank (a line of 1.1's output can be).
      (firstRow(frame, 'Logs') !== '' || firstLogLine(frame) === '') &&
      firstLogLine(frame).startsWith(firstRow(frame, 'Logs').replace(/…$/, ''));
    const wait = async (focused: string) => {
      try {
        await screen.waitFor(whole(focused), 20_000);
      } catch {
        throw new Error(`with ${focused} focused, a pane lost its first line:\n${screen.frame()}`);
      }
    };
    await wait('Logs');
    // Twice round the ring, the step list included.
    const ring = ['Resources', 'Health', 'Steps', 'Logs'];
    for (const focused of [...ring, ...ring]) {
      await screen.press(KEY.tab);
      await wait(focused);
    }
    expect(firstRow(screen.frame(), 'Resources')).toMatch(/^disk \//);
  }, 300_000);
});
