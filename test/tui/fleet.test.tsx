import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetView } from '../../src/fleet/view.js';
import { KEY, type TestScreen } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';
import { fleetFixture, haltedAtCanary, renderFleet, type FleetFixture } from './fleet-fixture.js';

const lines = (frame: string) => frame.split('\n');

/** Every line within the terminal, one row left free (Frame). */
function fits(frame: string, columns: number, rows: number): void {
  expect(lines(frame).length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(columns);
}

/** The same rollout mid-way: the canary done, web2 running 2.3 with its service down, web3 preparing. */
function midway(now = Date.now()): FleetView {
  const halted = haltedAtCanary(now);
  const [web1, web2, web3] = halted.hosts;
  return {
    ...halted,
    status: 'in_progress',
    halted: null,
    hosts: [
      {
        ...web1!,
        status: 'succeeded',
        currentStep: { id: '5.3', status: 'succeeded' },
        phase: 5,
        health: 'ok',
        downSince: null,
        note: null,
      },
      {
        ...web2!,
        status: 'running',
        phase: 2,
        currentStep: { id: '2.3', status: 'running' },
        health: 'unknown',
        downSince: now - 9_500,
      },
      { ...web3!, status: 'preparing' },
    ],
  };
}

describe('fleet screen', () => {
  let screen: TestScreen | undefined;
  let fixture: FleetFixture | undefined;
  const open = async (view: FleetView, size = { columns: 100, rows: 30 }) => {
    fixture = fleetFixture(view);
    screen = await renderFleet(fixture, size);
    return { screen, fixture };
  };
  afterEach(async () => {
    await screen?.unmount();
    fixture?.dispose();
    screen = fixture = undefined;
  });

  it('shows one row per host, the plan and the halt at 100×30, and names the host its keys act on', async () => {
    const { screen } = await open(haltedAtCanary());
    const frame = await screen.waitFor('web3');
    fits(frame, 100, 30);
    expect(lines(frame)[0]).toMatch(
      /^cvd-tui Fleet · web \(3 hosts\) · → v1\.0\.1 · alice · 20260101_120000_f1e2\s+\[failed\]$/,
    );
    expect(frame).toMatch(/host\s+plan\s+version\s+ph\s+step\s+status\s+health\s+down/);
    expect(frame).toMatch(/▸ web1\s+canary\s+v1\.0\.1\s+3\s+✗ 3\.2\s+failed\s+failing\s+▼ \d\.\ds/);
    expect(frame).toMatch(/ {2}web2\s+batch 1\s+v1\.0\.0\s+1\s+✓ 1\.3\s+held\s+ok/);
    expect(frame).toMatch(/ {2}web3\s+batch 1/);
    expect(frame).toContain(
      'Plan canary web1 → batch 1 web2 web3 · halts after 1 failed, or any on a canary',
    );
    expect(frame).toContain('Progress 0/3 hosts done · 1 failed · 2 held');
    expect(frame).toContain('Halted: web1 at 3.2: /health/database answered 500');
    expect(frame).toContain(
      // Too long for ' · ' between the keys at 100 columns: two spaces.
      '↑↓ host  Enter open  A run  r retry web1  s skip web1  R roll back all  e export  ? help  q quit',
    );
  });

  it('fits 80×24 and keeps the selected host in view with many hosts', async () => {
    const many = haltedAtCanary();
    const extra = Array.from({ length: 20 }, (_, i) => ({
      ...many.hosts[2]!,
      host: `web${i + 4}`,
      deploymentId: null,
      currentStep: null,
    }));
    const { screen } = await open(
      { ...many, hosts: [...many.hosts, ...extra] },
      { columns: 80, rows: 24 },
    );
    let frame = await screen.waitFor('web1');
    fits(frame, 80, 24);
    expect(frame).not.toContain('web23');
    await screen.press(...Array(22).fill('j'));
    frame = await screen.waitFor('▸ web23');
    fits(frame, 80, 24);
    expect(frame).not.toMatch(/│\s*web1 /);
  });

  it('counts downtime live while a host is down', async () => {
    const { screen } = await open(midway());
    const seconds = (frame: string) => {
      const shown = /web2 .*▼ (\d+(?:\.\d)?)s/.exec(frame)?.[1];
      return shown === undefined ? undefined : Number(shown);
    };
    const first = seconds(await screen.waitFor((f) => seconds(f) !== undefined))!;
    expect(first).toBeGreaterThanOrEqual(9.5);
    // The counter goes on without any new view from the rollout.
    await screen.waitFor((f) => (seconds(f) ?? 0) > first);
    expect(screen.frame()).toContain('Progress 1/3 hosts done · 2 running');
  });

  it('j/k select a host; r and s act on the selected host and say which', async () => {
    const { screen, fixture } = await open(haltedAtCanary());
    await screen.waitFor('r retry web1');
    await screen.press('r');
    await waitFor(() => fixture.calls.includes('retry web1'));
    // Still halted after the retry: the notice says what can be done, the Halted line why.
    await screen.waitFor('Rollout halted at web1: r retry it · s skip it · R roll back');
    await screen.press('j');
    let frame = await screen.waitFor('s skip web2');
    expect(frame).toContain('▸ web2');
    expect(frame).not.toContain('retry web2');
    await screen.press('s');
    await screen.waitFor(
      'Skip web2 (it is not deployed; the rollout goes on without it) — reason:',
    );
    await screen.type('out of rotation');
    await screen.press(KEY.enter);
    await waitFor(() => fixture.calls.includes('skip web2: out of rotation'));
    await screen.press('k');
    frame = await screen.waitFor('▸ web1');
    expect(fixture.calls).toEqual(['retry web1', 'skip web2: out of rotation']);
  });

  it('R asks before rolling back every changed host, in reverse order', async () => {
    const { screen, fixture } = await open(haltedAtCanary());
    await screen.waitFor('web3');
    await screen.press('R');
    await screen.waitFor('Roll back every changed host, in reverse order (web1)? (y/n)');
    await screen.press('n');
    await screen.waitFor('Roll back cancelled');
    await screen.press('R');
    await screen.waitFor('(y/n)');
    await screen.press('y');
    await waitFor(() => fixture.calls.includes('rollback *'));
  });

  it('Enter opens the host’s phase screen with its panes; its keys act on that host; Esc comes back', async () => {
    const { screen, fixture } = await open(haltedAtCanary());
    await screen.waitFor('web3');
    await screen.press(KEY.enter);
    let frame = await screen.waitFor('Resources');
    fits(frame, 100, 30);
    expect(lines(frame)[0]).toMatch(/^cvd-tui Fleet web · web1 .*· v1\.0\.0 → v1\.0\.1 · alice/);
    for (const pane of ['Steps', 'Resources', 'Health', 'Logs']) expect(frame).toContain(pane);
    expect(frame).toMatch(/✗ 3\.2 /);
    expect(frame).toContain('Esc fleet');
    expect(frame).toContain('r retry web1');
    expect(frame).toContain('R roll back web1');
    await screen.press('R');
    await screen.waitFor('Roll back web1? This runs its Emergency Rollback steps. (y/n)');
    await screen.press('y');
    await waitFor(() => fixture.calls.includes('rollback web1'));
    await screen.press(KEY.escape);
    frame = await screen.waitFor('Plan canary web1');
    expect(frame).toContain('▸ web1');
    // Another host, at 80×24 too; `j` and Enter typed fast arrive as one chunk.
    await screen.resize(80, 24);
    await screen.press(`j${KEY.enter}`);
    frame = await screen.waitFor(/cvd-tui Fleet web · web2/);
    fits(frame, 80, 24);
    expect(frame).toContain('Logs');
  });

  it('q leaves with the fleet paused and the command that resumes it', async () => {
    const { screen, fixture } = await open(haltedAtCanary());
    await screen.waitFor('web3');
    await screen.press('q');
    await waitFor(() => fixture.exits.length === 1);
    expect(fixture.exits[0]).toMatchObject({
      code: 1,
      message: expect.stringContaining(
        'Resume with: cvd-tui resume 20260101_120000_f1e2 --target web',
      ),
    });
  });

  it("e writes the fleet's execution log where e writes one deployment's, and says where", async () => {
    const view = haltedAtCanary();
    const { screen, fixture } = await open(view);
    await screen.waitFor('e export');
    await screen.press('e');
    const file = join(fixture.core.deps.exportDir, `cvd-deployment-${view.id}.md`);
    await screen.waitFor(`Execution log written to ${file}`);
    const md = readFileSync(file, 'utf8');
    expect(md.indexOf(`# CVD Fleet Deployment — Execution Log (${view.id})`)).toBe(0);
    expect(md).toMatch(/^\| web1 \| canary \| \w+ \| 20260101_120001_0001 \| /m);
    expect(md.match(/^# CVD Deployment — Execution Log /gm)).toHaveLength(3);
  });

  it('shows what a host reported inert', async () => {
    const view = haltedAtCanary();
    view.halted!.reason = 'boom \u001b]0;owned\u0007';
    const { screen } = await open(view);
    const frame = await screen.waitFor('Halted');
    expect(frame).toContain('boom \\x1b]0;owned\\x07');
    expect(screen.rawFrame()).not.toContain('\u001b]0;');
  });
});
