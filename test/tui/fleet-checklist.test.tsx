/**
 * The fleet's one checklist in the TUI, over the engine's fleetChecklist and
 * tickFleetItem on real records: three hosts, one check failed on one host.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import type { FleetView } from '../../src/fleet/view.js';
import { CHECKLIST } from '../../src/steps/checklist.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { TestScreen } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';
import type { FleetEvidence, FleetFixture } from './fleet-fixture.js';

// chalk decides its color level when it is first imported: force color before Ink loads.
process.env.FORCE_COLOR = '1';
const { KEY } = await import('../helpers/ink.js');
const { begunFleet, fleetFixture, renderFleet } = await import('./fleet-fixture.js');

/** What the target said about its disk on web3, with an escape sequence that would retitle the terminal. */
const HOSTILE = 'only 4% free on /srv/app \u001b]0;owned\u0007';
const SHOWN = 'only 4% free on /srv/app \\x1b]0;owned\\x07';

function evidence(): FleetEvidence {
  const ok = (disk: number) => ({
    'tech.1': { ok: true, text: 'backup.sql.gz, 0.5 h old, verified' },
    'tech.3': { ok: true, text: 'tag found (v1.0.1)' },
    'tech.4': { ok: true, text: '80 days remaining' },
    'tech.5': { ok: true, text: `${disk}% free on /srv/app` },
  });
  return {
    web1: ok(61),
    web2: ok(58),
    web3: { ...ok(0), 'tech.5': { ok: false, text: HOSTILE } },
  };
}

const TECH_5 = CHECKLIST.findIndex((i) => i.id === 'tech.5');
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with a control character
const RED_TECH_5 = /\u001b\[31m[^\n]*tech\.5 Disk space/;

describe('fleet checklist', () => {
  let screen: TestScreen | undefined;
  let fixture: FleetFixture | undefined;
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });
  const open = async (after?: FleetView) => {
    fixture = fleetFixture(begunFleet(), { after, ticked: false, evidence: evidence() });
    screen = await renderFleet(fixture, { columns: 100, rows: 30 });
    return { screen, fixture };
  };
  const record = (f: FleetFixture, host: string, itemId: string) =>
    f.store
      .checklist(begunFleet().hosts.find((h) => h.host === host)!.deploymentId!)
      .find((c) => c.itemId === itemId);

  it('shows an item red when one host failed it, with each host’s evidence, and ticks it on every host with the reason', async () => {
    const { screen, fixture } = await open();
    let frame = await screen.waitFor('Pre-Deployment Checklist (0/12 ticked)');
    expect(frame.split('\n')[0]).toMatch(
      /^cvd-tui Fleet Checklist · web \(3 hosts\) · → v1\.0\.1 · alice/,
    );
    expect(frame).toMatch(/tech\.5 Disk space .* ✗ 2\/3 hosts ok · web3: only 4% free/);
    expect(frame).toMatch(/tech\.4 SSL .* ✓ 3\/3 hosts ok · web1: 80 days/);
    expect(screen.rawFrame()).toMatch(RED_TECH_5);
    // Read on the fleet's first host, and said so.
    await screen.waitFor('Change preview of web1: ');
    await screen.press(...Array<string>(TECH_5).fill('j'));
    frame = await screen.waitFor('tech.5: not ticked');
    // The item under the cursor: every host's evidence, the failing one first, inert.
    expect(frame).toContain(`web3 ✗ ${SHOWN}`);
    expect(frame).toContain('web1 ✓ 61% free on /srv/app');
    expect(frame).toContain('web2 ✓ 58% free on /srv/app');
    expect(screen.rawFrame()).not.toContain('\u001b]0;');
    await screen.press(KEY.space);
    frame = await screen.waitFor('Reason to tick it anyway');
    expect(frame).toContain(
      'tech.5 failed its check on web3. Reason to tick it anyway (recorded on every host):',
    );
    await screen.type('web3 cleaned by hand');
    await screen.press(KEY.enter);
    frame = await screen.waitFor('(1/12 ticked)');
    expect(frame).toMatch(
      /tech\.5: ticked by alice at \d\d:\d\d:\d\d · reason: web3 cleaned by hand/,
    );
    for (const host of ['web1', 'web2', 'web3'])
      expect(record(fixture, host, 'tech.5')).toMatchObject({
        checked: true,
        by: 'alice',
        reason: 'web3 cleaned by hand',
        evidenceOk: host === 'web3' ? false : true,
      });
    // A green item ticks on every host at once, too, and unticks the same way.
    await screen.press('k', KEY.space);
    await screen.waitFor('(2/12 ticked)');
    expect(['web1', 'web2', 'web3'].map((h) => record(fixture, h, 'tech.4')?.checked)).toEqual([
      true,
      true,
      true,
    ]);
    await screen.press(KEY.space);
    frame = await screen.waitFor('(1/12 ticked)');
    expect(record(fixture, 'web2', 'tech.4')?.checked).toBe(false);
    // At 80×24 the hosts' lines give way (the row still names the failing host); one row left free.
    await screen.resize(80, 24);
    frame = await screen.waitFor((f) => !f.includes('web1 ✓ 80 days'));
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/✗ 2\/3 hosts ok · web3/);
  });

  it('the rollout starts only once every item is ticked on every host', async () => {
    const done: FleetView = { ...begunFleet(), status: 'succeeded' };
    const { screen, fixture } = await open(done);
    await screen.waitFor('(0/12 ticked)');
    await screen.press(KEY.enter);
    await screen.waitFor('Tick every item before continuing: 12 left');
    for (const [i, item] of CHECKLIST.entries()) {
      await screen.press(KEY.space);
      if (item.id === 'tech.5') {
        await screen.waitFor('Reason to tick it anyway');
        await screen.type('cleaned');
        await screen.press(KEY.enter);
      }
      await screen.waitFor(`(${i + 1}/12 ticked)`);
      await screen.press('j');
    }
    await screen.press(KEY.enter);
    await screen.waitFor('Plan canary web1 → batch 1 web2 web3');
    // Unticked behind the screen's back (another item left): A goes back to the checklist instead of starting.
    fixture.core.fleet!.control.tick('auth.2', { checked: false, by: 'alice' });
    await screen.press('A');
    await screen.waitFor('Tick the fleet’s checklist first');
    expect(fixture.calls).toEqual([]);
    await screen.press('j', KEY.space);
    await screen.waitFor('(12/12 ticked)');
    await screen.press(KEY.enter);
    await screen.waitFor('A start the rollout');
    await screen.press('A');
    await waitFor(() => fixture.calls.includes('proceed'));
    expect(fixture.calls).toEqual(['proceed']);
  });

  it('asks y before the fleet screen when any host would be downgraded across a migration, naming it, and records it on every host', async () => {
    // The group's app: v1.0.0, v1.0.1 and v1.0.2 each with its migration. web1 and web3 run
    // v1.0.0 (v1.0.1 is forward there); web2 runs v1.0.2, whose migration v1.0.1 lacks.
    const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-fleet-app-'));
    try {
      const git = (app: string, ...args: string[]) =>
        execFileSync('git', ['-C', app, '-c', 'user.name=t', '-c', 'user.email=t@e', ...args]);
      const newer = join(dir, 'newer');
      mkdirSync(join(newer, 'migrations'), { recursive: true });
      git(newer, 'init', '-q');
      git(newer, 'commit', '-q', '--allow-empty', '-m', 'one');
      git(newer, 'tag', 'v1.0.0');
      for (const tag of ['v1.0.1', 'v1.0.2']) {
        writeFileSync(join(newer, 'migrations', `migration_${tag}.sql`), 'ALTER TABLE t ADD c;\n');
        git(newer, 'add', '.');
        git(newer, 'commit', '-q', '-m', tag);
        git(newer, 'tag', tag);
      }
      const older = join(dir, 'older');
      execFileSync('git', ['clone', '-q', newer, older]);
      git(older, 'checkout', '-q', '--detach', 'v1.0.0');
      const on = (app: string) => ({
        transport: new LocalTransport(),
        target: withDefaults({ transport: 'local', useSudo: false, paths: { app } }),
      });
      const view = begunFleet();
      fixture = fleetFixture(view, {
        ticked: false,
        targets: { web1: on(older), web2: on(newer), web3: on(older) },
      });
      const { control } = fixture.core.fleet!;
      for (const item of CHECKLIST.slice(1)) control.tick(item.id, { checked: true, by: 'alice' });
      screen = await renderFleet(fixture, { columns: 80, rows: 24 });
      // The first host's preview, and under its title the host that differs, red.
      let frame = await screen.waitFor('✗ other hosts: web2');
      expect(frame).toContain('Change preview of web1: v1.0.0 → v1.0.1');
      expect(frame.replace(/\s+/g, ' ')).toContain(
        '✗ other hosts: web2 ✗ downgrade from v1.0.2, keeps migration_v1.0.2.sql',
      );
      expect(frame).not.toContain('web3 runs');
      expect(frame.split('\n').length).toBeLessThanOrEqual(23);
      for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      await screen.press(KEY.space);
      await screen.waitFor('(12/12 ticked)');
      const question = 'Downgrade: the database keeps migration_v1.0.2.sql on web2. Deploy v1.0.1?';
      await screen.press(KEY.enter);
      frame = await screen.waitFor(question);
      await screen.press('n');
      await screen.waitFor('Downgrade not confirmed: the fleet screen not opened');
      await screen.press(KEY.enter);
      await screen.waitFor(question);
      await screen.press('y');
      await screen.waitFor('Plan canary web1 → batch 1 web2 web3');
      for (const h of view.hosts) {
        const said = fixture.store
          .events(h.deploymentId!)
          .filter((e) => e.type === 'downgrade-confirmed');
        expect(said.map((e) => [e.actor, e.detail])).toEqual([
          ['alice', 'migration_v1.0.2.sql on web2'],
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
