import { describe, expect, it } from 'vitest';
import type { TuiCore } from '../../src/screens/app/core.js';
import { initialState, type StepRow, type UiState } from '../../src/screens/app/state.js';
import { fixturePerCase } from './fixture.js';

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
  const cases = fixturePerCase();

  /** The fixture's phase screen with 2.3 `status`, idle unless `busy`. */
  async function phase(status: StepRow['status'], extra: Partial<UiState> = {}) {
    const { core, state } = await cases.fresh();
    const steps = state.steps.map((s) => (s.id === '2.3' ? { ...s, status } : s));
    return { core, state: { ...state, steps, busy: undefined, ...extra } };
  }

  async function helpOf(state: UiState, core: TuiCore) {
    const screen = await cases.render(core, state, { columns: 100, rows: 30 });
    await screen.press('?');
    return helpKeys(await screen.waitFor('cvd-tui keys'));
  }

  it.each([
    ['a next step', 'pending' as const],
    ['a failed step', 'failed' as const],
  ])('keeps Tab in the key bar at 80 columns, with %s', async (_, status) => {
    const { core, state } = await phase(status);
    const screen = await cases.render(core, state, { columns: 80, rows: 24 });
    const bar = keyBar(await screen.waitFor('Logs'));
    expect(bar.length).toBeLessThanOrEqual(80);
    expect(bar).toContain('Tab pane');
    expect(bar).toContain('? help');
    expect(bar).toContain('q quit');
    if (status === 'failed') expect(bar).toContain('r retry');
    else expect(bar).not.toContain('r retry');
  });

  it('keeps Tab at 80 columns on the Rollback screen', async () => {
    const { core, state } = await phase('pending');
    const rollingBack = {
      ...state,
      deployment: { ...state.deployment!, mode: 'rollback' as const },
    };
    const screen = await cases.render(core, rollingBack, { columns: 80, rows: 24 });
    expect(keyBar(await screen.waitFor('Logs'))).toContain('Tab pane');
  });

  it('? on the phase screen lists r only with a failed step, and no work keys while one runs', async () => {
    const { core, state } = await phase('pending');
    expect(await helpOf(state, core)).toEqual([
      'Enter',
      'A',
      's',
      'R',
      'Tab',
      '↑/k ↓/j',
      'PgUp PgDn',
      'g G',
      'f',
      'w',
      '/',
      'l',
      'e',
      '?',
      'q',
      'Ctrl-C',
    ]);

    const failed = await phase('failed');
    expect(await helpOf(failed.state, failed.core)).toContain('r');

    const busy = await phase('running', { busy: 'running 2.3 Database Migration' });
    const keys = await helpOf(busy.state, busy.core);
    for (const key of ['Enter', 'A', 'r', 's', 'R']) expect(keys).not.toContain(key);
    expect(keys).toEqual(expect.arrayContaining(['Tab', '?', 'q', 'Ctrl-C']));
  });

  it('? on the start screen lists no key of a deployment', async () => {
    const { core, state } = await cases.fresh();
    const start = initialState(state.start, 'start');
    expect(await helpOf(start, core)).toEqual(['↑/k ↓/j', 'Enter', '?', 'q', 'Ctrl-C']);
  });

  it('? on the summary lists its own keys, not the phase screen’s', async () => {
    const { core, state } = await cases.fresh();
    const d = state.deployment!;
    core.deps.store.createDeployment(d);
    core.deps.store.setStatus(d.id, 'succeeded', 'alice');
    core.attach(d.id);
    const keys = await helpOf({ ...initialState(state.start, 'summary'), deployment: d }, core);
    expect(keys).toEqual(['↑/k ↓/j', 'Space', 'Enter', 'e', '?', 'q', 'Ctrl-C']);
  });
});
