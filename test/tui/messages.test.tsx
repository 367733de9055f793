import { describe, expect, it } from 'vitest';
import { tickItem } from '../../src/engine/deployment.js';
import { CHECKLIST } from '../../src/steps/checklist.js';
import { initialState } from '../../src/screens/app/state.js';
import { KEY } from '../helpers/ink.js';
import { fixturePerCase } from './fixture.js';

/**
 * Notices say what is true now: one tied to a condition goes once the
 * condition does, and none outlives the screen it was said on.
 */
describe('footer notices', () => {
  const cases = fixturePerCase();

  /** The fixture's deployment recorded in its store and on screen at the checklist. */
  async function atChecklist() {
    const { core, state } = await cases.fresh();
    const { store } = core.deps;
    const d = state.deployment!;
    store.createDeployment({ ...d, versionFrom: d.versionFrom });
    core.attach(d.id);
    const screen = await cases.render(
      core,
      { ...initialState(state.start, 'checklist'), deployment: d },
      { columns: 100, rows: 30 },
    );
    await screen.waitFor('(0/12 ticked)');
    const tickAllBut = (left: number) => {
      for (const item of CHECKLIST.slice(0, CHECKLIST.length - left))
        tickItem(store, d.id, item.id, { checked: true, by: 'alice' });
      core.sync();
    };
    return { screen, core, tickAllBut };
  }

  it('"n left" goes with the next tick, and is never shown at 12/12', async () => {
    const { screen, tickAllBut } = await atChecklist();
    await screen.press(KEY.enter);
    await screen.waitFor('Tick every item before continuing: 12 left');
    await screen.press(KEY.space);
    let frame = await screen.waitFor('(1/12 ticked)');
    expect(frame).not.toContain('left (');

    tickAllBut(1);
    await screen.press(KEY.enter);
    frame = await screen.waitFor('1 left (');
    tickAllBut(0);
    frame = await screen.waitFor('(12/12 ticked)');
    expect(frame).not.toContain('left (');
  });

  it('Enter typed while the terminal was still in line mode (a line feed) acts as Enter', async () => {
    const { screen } = await atChecklist();
    await screen.press('\n');
    await screen.waitFor('Tick every item before continuing: 12 left');
    // Space then Enter, typed ahead as one line, arrive together: both act, in order.
    await screen.press(' \n');
    await screen.waitFor('Tick every item before continuing: 11 left');
  });

  it('a notice is not carried to the next screen', async () => {
    const { screen, core, tickAllBut } = await atChecklist();
    tickAllBut(1);
    await screen.press(KEY.enter);
    await screen.waitFor('1 left (');
    core.dispatch({ type: 'navigate', stage: 'phase' });
    const frame = await screen.waitFor('cvd-tui Deploy');
    expect(frame).not.toContain('Tick every item');
  });

  it('"2.3 failed: r retry…" goes once 2.3 no longer stands failed', async () => {
    const { core, state } = await cases.fresh();
    const failed = state.steps.map((s) =>
      s.id === '2.3' ? { ...s, status: 'failed' as const } : s,
    );
    const screen = await cases.render(
      core,
      { ...state, busy: undefined, steps: failed },
      { columns: 100, rows: 30 },
    );
    await screen.waitFor('cvd-tui Deploy');
    core.notify('2.3 failed: r retry', 'error', (s) =>
      s.steps.some((row) => row.id === '2.3' && row.status === 'failed'),
    );
    await screen.waitFor('2.3 failed: r retry');
    core.dispatch({
      type: 'synced',
      synced: {
        deployment: state.deployment!,
        checklist: [],
        steps: state.steps.map((s) => (s.id === '2.3' ? { ...s, status: 'skipped' as const } : s)),
        postTicks: {},
        issues: [],
        target: state.target!,
      },
    });
    await screen.waitFor((f) => !f.includes('2.3 failed: r retry'));
  });

  it('a skip reason is said once in the Logs pane', async () => {
    const { core, state } = await cases.fresh();
    const d = state.deployment!;
    core.deps.store.createDeployment(d);
    core.attach(d.id);
    await core.runner!.skip('no staging box');
    const screen = await cases.render(
      core,
      { ...state, busy: undefined },
      { columns: 120, rows: 40 },
    );
    const frame = await screen.waitFor('↷ 1.1 skipped: no staging box');
    expect(frame).not.toContain('skipped: skipped');
  });

  it('a skip reason is said once in the current step', async () => {
    const { core, state } = await cases.fresh();
    // 1.1 skipped as the store records it, the last step there is: the current step shows it.
    const steps = state.steps.map((s) =>
      s.id === '1.1'
        ? { ...s, status: 'skipped' as const, summary: 'skipped: no staging box' }
        : { ...s, status: 'succeeded' as const },
    );
    const screen = await cases.render(
      core,
      { ...state, busy: undefined, steps, current: { stepId: '1.1', attempt: 1, command: '' } },
      { columns: 120, rows: 40 },
    );
    const frame = await screen.waitFor('1.1 Environment Verification — skipped: no staging box');
    expect(frame).not.toContain('skipped: skipped');
  });
});
