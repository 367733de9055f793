import { afterEach, describe, expect, it } from 'vitest';
import { sharedTags } from '../../src/fleet/look.js';
import type { FleetView } from '../../src/fleet/view.js';
import { App } from '../../src/screens/app/App.js';
import { TuiProvider } from '../../src/screens/app/context.js';
import type { FleetEntry } from '../../src/screens/app/fleet-control.js';
import { prepareFleetTui, type FleetOpening } from '../../src/screens/app/prepare-fleet.js';
import { KEY, renderScreen, type TestScreen } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';
import {
  fleetFixture,
  haltedAtCanary,
  recordOf,
  waiting,
  type FleetFixture,
} from './fleet-fixture.js';

/** What each host runs and its tags: web3 runs v1.0.1, lacks v1.0.2 and alone has v1.0.3. */
const LOOKS = [
  { host: 'web1', runningVersion: 'v1.0.0', tags: ['v1.0.2', 'v1.0.1', 'v1.0.0'] },
  { host: 'web2', runningVersion: 'v1.0.0', tags: ['v1.0.2', 'v1.0.1', 'v1.0.0'] },
  { host: 'web3', runningVersion: 'v1.0.1', tags: ['v1.0.3', 'v1.0.1', 'v1.0.0'] },
];

describe("a fleet's start screen", () => {
  let screen: TestScreen | undefined;
  let fixture: FleetFixture | undefined;
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });

  /**
   * The fleet's TUI over a fake group: its rollouts are the fleet fixture's
   * (`calls` records what the screens asked), its hosts answer with LOOKS.
   */
  const open = async (opening: FleetOpening, unfinished?: FleetView, looks = LOOKS) => {
    fixture = fleetFixture(unfinished ?? haltedAtCanary());
    const f = fixture;
    let open = unfinished && { view: unfinished, record: recordOf(unfinished) };
    const entry: FleetEntry = {
      group: 'web',
      members: ['web1', 'web2', 'web3'],
      unfinished: () => open,
      look: async () => ({
        hosts: looks.map(({ host, runningVersion }) => ({ host, runningVersion })),
        ...sharedTags(looks),
      }),
      deploy: async (version) => {
        f.calls.push(`deploy ${version}`);
        f.view.set(waiting(version));
        return f.control;
      },
      open: async (id) => (f.calls.push(`open ${id}`), f.control),
      abandon: async (id, reason) => {
        f.calls.push(`abandon ${id}: ${reason}`);
        open = undefined;
      },
    };
    const prepared = prepareFleetTui(f.core.deps, entry, opening);
    screen = await renderScreen(
      <TuiProvider core={prepared.core} initial={prepared.initial} begin={prepared.begin}>
        <App />
      </TuiProvider>,
      { columns: 100, rows: 30 },
    );
    return { screen, fixture: f };
  };

  it('offers the tags on every host, names those some lack, and opens the fleet screen on the chosen one', async () => {
    const { screen, fixture } = await open({ kind: 'start' });
    const frame = await screen.waitFor('Version to deploy (a tag on every host):');
    expect(frame).toMatch(/^cvd-tui Fleet · web \(3 hosts\) · mixed · alice/);
    expect(frame).toContain('Group       web: web1, web2, web3');
    expect(frame).toContain('Running     v1.0.0 on web1, web2 · v1.0.1 on web3');
    expect(frame).toContain('Deploy      choose below');
    expect(frame).toMatch(/▸ v1\.0\.1\n\s+v1\.0\.0\n/);
    expect(frame).not.toMatch(/^\s+(▸ )?v1\.0\.[23]$/m);
    expect(frame).toContain('Not on every host: v1.0.2 (not on web3), v1.0.3 (not on web1, web2)');
    await screen.press('j', KEY.enter);
    const fleet = await screen.waitFor('A start the rollout');
    expect(fixture.calls).toEqual(['deploy v1.0.0']);
    expect(fleet).toMatch(/^cvd-tui Fleet · web \(3 hosts\) · → v1\.0\.0 · alice/);
  });

  it('says so when no tag is on every host, and offers nothing to deploy', async () => {
    const looks = [LOOKS[0]!, { ...LOOKS[2]!, tags: ['v1.0.3'] }];
    const { screen } = await open({ kind: 'start' }, undefined, looks);
    const frame = await screen.waitFor('No tag is on every host: nothing the group can deploy.');
    expect(frame).toContain(
      // One line, cut at the terminal's width.
      'Not on every host: v1.0.2 (not on web3), v1.0.1 (not on web3), v1.0.0 (not on web3), v1.0.3 (not on…',
    );
    expect(frame).not.toContain('Enter');
  });

  it('offers Resume (selected), Roll back and Abandon for the unfinished fleet; Resume opens it', async () => {
    const view = haltedAtCanary();
    const { screen, fixture } = await open({ kind: 'start' }, view);
    const frame = await screen.waitFor(/Abandon/);
    await screen.waitFor((f) => !f.includes('checking'));
    const settled = screen.frame();
    for (const line of [
      `Unfinished fleet ${view.id}: v1.0.1 on web, failed`,
      'started 2026-01-01',
      'by alice on jump',
      'Halted      web1 at 3.2: /health/database answered 500',
      'Hosts       web1 failed 3.2 · web2 held 1.3 · web3 held 1.3',
      'Deploy      v1.0.1',
    ])
      expect(settled).toContain(line);
    expect(settled).toMatch(/▸ Resume\n\s+Roll back\n\s+Abandon/);
    expect(frame).not.toContain('Version to deploy');
    await screen.press(KEY.enter);
    await screen.waitFor(`Fleet ${view.id} reopened: A resumes it`);
    expect(fixture.calls).toEqual([`open ${view.id}`]);
  });

  it('Roll back asks y, then rolls back every changed host on the fleet screen', async () => {
    const view = haltedAtCanary();
    const { screen, fixture } = await open({ kind: 'start' }, view);
    await screen.waitFor((f) => f.includes('Abandon') && !f.includes('checking'));
    await screen.press('j', KEY.enter);
    await screen.waitFor(
      `Roll back fleet ${view.id}: every changed host, in reverse order (web1)? (y/n)`,
    );
    await screen.press('y');
    await waitFor(() => fixture.calls.includes('rollback *'));
    expect(fixture.calls).toEqual([`open ${view.id}`, 'rollback *']);
    await screen.waitFor('Plan canary web1');
  });

  it('Abandon asks a reason, abandons the fleet and then offers a new rollout', async () => {
    const view = haltedAtCanary();
    const { screen, fixture } = await open({ kind: 'start' }, view);
    await screen.waitFor((f) => f.includes('Abandon') && !f.includes('checking'));
    await screen.press('j', 'j', KEY.enter);
    await screen.waitFor(
      `Abandon fleet ${view.id} (every host's deployment; nothing runs) — reason:`,
    );
    await screen.type('superseded by v1.0.2');
    await screen.press(KEY.enter);
    const frame = await screen.waitFor(
      `Fleet ${view.id} abandoned: superseded by v1.0.2; every host's lock released`,
    );
    expect(fixture.calls).toEqual([`abandon ${view.id}: superseded by v1.0.2`]);
    expect(frame).toContain('Version to deploy (a tag on every host):');
    expect(frame).not.toContain('Unfinished fleet');
  });

  it('deploy --version with the fleet unfinished offers it first, the version kept for after', async () => {
    const view = haltedAtCanary();
    const { screen, fixture } = await open({ kind: 'start', fixedVersion: 'v1.0.0' }, view);
    const frame = await screen.waitFor((f) => f.includes('Abandon') && !f.includes('checking'));
    expect(frame).toContain(`Unfinished fleet ${view.id}`);
    expect(frame).toMatch(/▸ Resume/);
    await screen.press('j', 'j', KEY.enter);
    await screen.waitFor('— reason:');
    await screen.type('wrong version');
    await screen.press(KEY.enter);
    await screen.waitFor('Enter: check v1.0.0');
    await screen.press(KEY.enter);
    await screen.waitFor('A start the rollout');
    expect(fixture.calls).toEqual([`abandon ${view.id}: wrong version`, 'deploy v1.0.0']);
  });

  it('rollback of the fleet asks y on the fleet screen; of one host, on its screen', async () => {
    fixture = fleetFixture(haltedAtCanary());
    const f = fixture;
    const render = async (rollBack: { host?: string }) => {
      // The fleet screen opened by `rollback` never goes back to the start screen.
      const entry = {} as FleetEntry;
      const prepared = prepareFleetTui(f.core.deps, entry, {
        kind: 'rollout',
        control: f.control,
        rollBack,
      });
      return renderScreen(
        <TuiProvider core={prepared.core} initial={prepared.initial} begin={prepared.begin}>
          <App />
        </TuiProvider>,
        { columns: 100, rows: 30 },
      );
    };
    screen = await render({});
    await screen.waitFor('Roll back every changed host, in reverse order (web1)? (y/n)');
    await screen.press('y');
    await waitFor(() => f.calls.includes('rollback *'));
    await screen.unmount();
    screen = await render({ host: 'web1' });
    const frame = await screen.waitFor(
      'Roll back web1? This runs its Emergency Rollback steps. (y/n)',
    );
    expect(frame).toMatch(/^cvd-tui Fleet web · web1 /);
    await screen.press('y');
    await waitFor(() => f.calls.includes('rollback web1'));
    expect(f.calls).toEqual(['rollback *', 'rollback web1']);
  });
});
