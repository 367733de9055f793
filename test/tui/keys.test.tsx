import { afterEach, describe, expect, it } from 'vitest';
import { initialState, type StepRow, type UiState } from '../../src/screens/app/state.js';
import type { TestScreen } from '../helpers/ink.js';
import { phaseState, renderState } from './fixture.js';

/** The key bar: the last line of the frame. */
const keyBar = (frame: string) => frame.trimEnd().split('\n').at(-1)!;

/** The keys `?` lists, one per line between its title and its own key bar, each as its first column. */
const helpKeys = (frame: string) =>
  frame
    .slice(frame.indexOf('cvd-tui keys'))
    .trimEnd()
    .split('\n')
    .slice(1, -1)
    .map((line) => line.trim().split(/\s{2,}/)[0])
    .filter(Boolean);

describe('keys', () => {
  let screen: TestScreen | undefined;
  let fixture: ReturnType<typeof phaseState> | undefined;
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });

  /** The fixture's phase screen with 2.3 `status`, idle unless `busy`. */
  function phase(status: StepRow['status'], extra: Partial<UiState> = {}) {
    fixture = phaseState();
    const { core, state } = fixture;
    const steps = state.steps.map((s) => (s.id === '2.3' ? { ...s, status } : s));
    return { core, state: { ...state, steps, busy: undefined, ...extra } };
  }

  async function helpOf(state: UiState, core = fixture!.core, columns = 100) {
    screen = await renderState(core, state, { columns, rows: 30 });
    await screen.press('?');
    return helpKeys(await screen.waitFor('cvd-tui keys'));
  }

  it.each([
    ['a next step', 'pending' as const],
    ['a failed step', 'failed' as const],
  ])('keeps Tab in the key bar at 80 columns, with %s', async (_, status) => {
    const { core, state } = phase(status);
    screen = await renderState(core, state, { columns: 80, rows: 24 });
    const bar = keyBar(await screen.waitFor('Logs'));
    expect(bar.length).toBeLessThanOrEqual(80);
    expect(bar).toContain('Tab pane');
    expect(bar).toContain('? help');
    expect(bar).toContain('q quit');
    if (status === 'failed') expect(bar).toContain('r retry');
    else expect(bar).not.toContain('r retry');
  });

  it('keeps Tab at 80 columns on the Rollback screen', async () => {
    const { core, state } = phase('pending');
    const rollingBack = {
      ...state,
      deployment: { ...state.deployment!, mode: 'rollback' as const },
    };
    screen = await renderState(core, rollingBack, { columns: 80, rows: 24 });
    expect(keyBar(await screen.waitFor('Logs'))).toContain('Tab pane');
  });

  it('? on the phase screen lists r only with a failed step, and no work keys while one runs', async () => {
    const { core, state } = phase('pending');
    expect(await helpOf(state, core)).toEqual([
      'Enter',
      'A',
      's',
      'R',
      'Tab',
      '↑/k ↓/j',
      'PgUp PgDn',
      'e',
      '?',
      'q',
      'Ctrl-C',
    ]);
    await screen!.unmount();
    fixture!.dispose();

    const failed = phase('failed');
    expect(await helpOf(failed.state, failed.core)).toContain('r');
    await screen!.unmount();
    fixture!.dispose();

    const busy = phase('running', { busy: 'running 2.3 Database Migration' });
    const keys = await helpOf(busy.state, busy.core);
    for (const key of ['Enter', 'A', 'r', 's', 'R']) expect(keys).not.toContain(key);
    expect(keys).toEqual(expect.arrayContaining(['Tab', '?', 'q', 'Ctrl-C']));
  });

  it('? on the start screen lists no key of a deployment', async () => {
    fixture = phaseState();
    const start = initialState(fixture.state.start, 'start');
    expect(await helpOf(start)).toEqual(['↑/k ↓/j', 'Enter', '?', 'q', 'Ctrl-C']);
  });

  it('? on the summary lists its own keys, not the phase screen’s', async () => {
    fixture = phaseState();
    const { core, state } = fixture;
    const d = state.deployment!;
    core.deps.store.createDeployment(d);
    core.deps.store.setStatus(d.id, 'succeeded', 'alice');
    core.attach(d.id);
    const keys = await helpOf({ ...initialState(state.start, 'summary'), deployment: d }, core);
    expect(keys).toEqual(['↑/k ↓/j', 'Space', 'Enter', 'e', '?', 'q', 'Ctrl-C']);
  });
});
