/**
 * The built cvd-tui deploying a group of three demo targets in tmux: it
 * opens on the fleet's one checklist (each host's evidence), ticked through
 * to the fleet screen, which lists the three hosts with their place in the
 * plan; Enter opens one host's phase screen and its panes, Esc comes back,
 * q leaves the fleet paused; rollback finds nothing changed to roll back;
 * the group's start screen then offers the fleet, abandons it, and offers
 * the tags on every host. Nothing is deployed: the rollout is the
 * headless and integration tests' (test/integration/fleet.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshFleet, type FleetHandle } from '../helpers/fleet.js';
import { tmuxServer } from '../helpers/tmux.js';
import { INVOKED } from '../helpers/cli.js';

let fleet: FleetHandle;
const tmux = tmuxServer('fleet');

beforeAll(async () => {
  fleet = await freshFleet(3);
}, 120_000);
afterAll(async () => {
  tmux.kill();
  await fleet?.cleanup();
});

it('ticks the fleet’s checklist, shows its three hosts and opens a host’s panes; the start screen abandons it', async () => {
  tmux.launch('fleet', [100, 30], ['deploy', ...fleet.flags, '--version', 'v1.0.1'], 'test');
  const checklist = await tmux.screen(
    'fleet',
    /tech\.3 Git tag .* ✓ 3\/3 hosts ok · web1: tag/,
    60_000,
  );
  expect(checklist).toMatch(/^cvd-tui Fleet Checklist · web \(3 hosts\) · → v1\.0\.1 · /);
  await tmux.tickChecklist('fleet', true);
  tmux.press('fleet', 'Enter');
  const screen = await tmux.screen('fleet', [
    /▸ web1\s+canary\s+\S+\s+-\s+-\s+waiting/,
    /web2\s+batch 1/,
    /web3\s+batch 1/,
  ]);
  expect(screen).toMatch(/^cvd-tui Fleet · web \(3 hosts\) · → v1\.0\.1 · /);
  expect(screen).toContain('Plan canary web1 → batch 1 web2 web3');
  await tmux.readingKeys('fleet');
  tmux.press('fleet', 'j', 'Enter');
  // The key bar is drawn last: wait for it rather than read the frame before it.
  const host = await tmux.screen('fleet', [
    /^cvd-tui Fleet web · web2 /,
    /Resources/,
    /Logs/,
    /Esc fleet/,
  ]);
  expect(host).toMatch(/Health/);
  tmux.press('fleet', 'Escape');
  await tmux.screen('fleet', /▸ web2/);
  tmux.press('fleet', 'q');
  const end = await tmux.screen('fleet', /EXIT=1/);
  expect(end).toMatch(/Resume with: .+ resume \d{8}_\d{6}_[0-9a-f]+ [\s\S]*--target web/);
  expect(end).toContain(`Resume with: ${INVOKED} resume `);

  // rollback in the TUI opens the fleet screen to roll back every changed host: none has.
  tmux.launch('rollback', [100, 30], ['rollback', ...fleet.flags], 'test');
  await tmux.screen('rollback', [/Plan canary web1/, /Nothing to roll back: no host has changed/]);
  tmux.press('rollback', 'q');
  await tmux.screen('rollback', /EXIT=1/);

  // No command: the group's start screen offers the paused fleet (nothing changed: no Roll back).
  execFileSync('git', ['-C', join(fleet.demos[0]!.dir, 'app'), 'tag', 'v1.0.3', 'v1.0.1']);
  tmux.launch('start', [100, 30], fleet.flags, 'test');
  const start = await tmux.screen(
    'start',
    [
      /^Checked out v1\.0\.0 on every host$/m,
      /^Unfinished fleet \d{8}_\d{6}_[0-9a-f]+: v1\.0\.1 on web, in progress$/m,
      /▸ Resume\n\s+Abandon/,
    ],
    60_000,
  );
  expect(start).toMatch(/^cvd-tui Fleet · web \(3 hosts\) · v1\.0\.0 · /);
  await tmux.readingKeys('start');
  tmux.press('start', 'j', 'Enter');
  await tmux.screen('start', /Abandon fleet .* — reason:/);
  tmux.press('start', ...'superseded');
  // Typed fast, the keys reach cvd-tui as one chunk: Enter after them would be part of the text.
  await tmux.screen('start', /› superseded/);
  tmux.press('start', 'Enter');
  const picker = await tmux.screen('start', [
    /abandoned: superseded; every host's lock released/,
    /Version to deploy \(a tag on every host\):\n▸ v1\.0\.2\n\s+v1\.0\.1\n\s+v1\.0\.0 \(running\)\n/,
  ]);
  expect(picker).toContain('Not on every host: v1.0.3 (not on web2, web3)');
  tmux.press('start', 'q');
  await tmux.screen('start', /EXIT=0/);
}, 180_000);
