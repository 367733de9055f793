/**
 * The built cvd-tui deploying a group of three demo targets in tmux: it
 * opens on the fleet's one checklist (each host's evidence), ticked through
 * to the fleet screen, which lists the three hosts with their place in the
 * plan; Enter opens one host's phase screen and its panes, Esc comes back,
 * q leaves the fleet paused. Nothing is deployed: the rollout is the
 * headless and integration tests' (test/integration/fleet.test.ts).
 */
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

it('ticks the fleet’s checklist, then shows its three hosts and opens a host’s panes', async () => {
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
  const host = await tmux.screen('fleet', [/^cvd-tui Fleet web · web2 /, /Resources/, /Logs/]);
  expect(host).toMatch(/Health/);
  expect(host).toContain('Esc fleet');
  tmux.press('fleet', 'Escape');
  await tmux.screen('fleet', /▸ web2/);
  tmux.press('fleet', 'q');
  const end = await tmux.screen('fleet', /EXIT=1/);
  expect(end).toMatch(/Resume with: .+ resume \d{8}_\d{6}_[0-9a-f]+ [\s\S]*--target web/);
  expect(end).toContain(`Resume with: ${INVOKED} resume `);
}, 120_000);
