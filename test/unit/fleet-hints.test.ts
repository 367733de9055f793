/**
 * Hints that name a fleet's command: they must work as printed. An inventory
 * fleet's name (`inventory:web`) is no target; a fleet host's deployment is
 * finished through its fleet (resuming the host alone is refused).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { lockAdvice } from '../../src/cli/commands/doctor.js';
import { fleetFlags } from '../../src/cli/resume-hint.js';
import { withDefaults } from '../../src/config/defaults.js';
import { lockCheck, plainLockAdvice } from '../../src/doctor/system.js';
import { refuseIfUnfinished } from '../../src/fleet/start.js';
import { FleetStore } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';
import { newFleet } from '../helpers/fleet-record.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A state database holding fleet `f1` of `name` (web1, web2), web2's deployment `20261201_060000_0002` linked. */
function stateWithFleet(name: string): { path: string; store: StateStore } {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-fleet-hints-'));
  dirs.push(dir);
  const path = join(dir, 'state.db');
  const store = StateStore.open(path);
  const fleets = new FleetStore(store);
  fleets.create(newFleet('f1', ['web1', 'web2'], { name }));
  fleets.linkHost('f1', 'web2', '20261201_060000_0002');
  return { path, store };
}

const thrown = (work: () => void): string => {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('a second rollout refused while the fleet is unfinished', () => {
  const member = (name: string) => ({
    name,
    target: withDefaults({ transport: 'ssh', host: `${name}.example.com` }),
  });
  const fleet = (name: string) => ({
    name,
    members: [member('web1'), member('web2')],
    canary: 1,
    batchSize: 1,
    maxFailures: 0,
  });

  it('names an inventory fleet by its inventory and group, never as --target inventory:…', () => {
    const { store } = stateWithFleet('inventory:web');
    const options = parseCli([
      'deploy',
      '--inventory',
      'my hosts.ini',
      '--group',
      'web',
      '--version',
      'v1.0.1',
    ]).options;
    const message = thrown(() =>
      refuseIfUnfinished(store, fleet('inventory:web'), fleetFlags('inventory:web', options)),
    );
    store.close();
    expect(message).toContain("resume f1 --inventory 'my hosts.ini' --group web\n");
    expect(message).toMatch(/rollback f1 --inventory 'my hosts\.ini' --group web$/);
    expect(message).not.toContain('--target inventory:');
  });

  it('names a config group by --target', () => {
    const { store } = stateWithFleet('web');
    const options = parseCli(['deploy', '--target', 'web', '--version', 'v1.0.1']).options;
    const message = thrown(() =>
      refuseIfUnfinished(store, fleet('web'), fleetFlags('web', options)),
    );
    store.close();
    expect(message).toContain('resume f1 --target web\n');
  });
});

describe("doctor's held-lock hint", () => {
  const target = withDefaults({ transport: 'ssh', host: 'web2.example.com' });
  const heldBy = (id: string) =>
    `locked\ndeploymentId=${id}\noperator=bob\njumpHost=elsewhere\npid=4242\nsince=2026-12-01T06:00:00Z`;

  it("sends a fleet host's deployment to its fleet's resume and rollback", () => {
    const { path, store } = stateWithFleet('web');
    store.close();
    const advise = lockAdvice(
      'web2',
      parseCli(['doctor', '--target', 'web', '--state', path]).options,
    );
    const [row] = lockCheck(advise).judge({}, target, heldBy('20261201_060000_0002'));
    expect(row).toMatchObject({ name: 'deploy lock', ok: false });
    expect(row!.hint).toContain("web2's deployment in fleet f1 of web: finish the fleet");
    expect(row!.hint).toContain('resume f1 --target web');
    expect(row!.hint).toContain('rollback f1 --target web');
    expect(row!.hint).not.toContain('resume 20261201_060000_0002');
    expect(row!.hint).toMatch(/--take-over-lock$/);
  });

  it('names the target with any other deployment (no fleet on record, or no state at all)', () => {
    const { path, store } = stateWithFleet('web');
    store.close();
    const withState = lockAdvice(
      'web2',
      parseCli(['doctor', '--target', 'web2', '--state', path]).options,
    );
    expect(lockCheck(withState).judge({}, target, heldBy('20261201_050000_0001'))[0]!.hint).toMatch(
      /^finish that deployment \(.*resume 20261201_050000_0001 --target web2 or .*rollback 20261201_050000_0001 --target web2\)/,
    );
    const none = join(dirname(path), 'none', 'state.db');
    const noState = lockAdvice(
      'web2',
      parseCli(['doctor', '--target', 'web2', '--state', none]).options,
    );
    expect(lockCheck(noState).judge({}, target, heldBy('20261201_060000_0002'))[0]!.hint).toContain(
      'resume 20261201_060000_0002 --target web2',
    );
    expect(existsSync(none)).toBe(false);
  });

  it("puts no text from the target's lock owner into a command unless it is a deployment id", () => {
    const { hint } = lockCheck(plainLockAdvice('web2')).judge(
      {},
      target,
      heldBy('$(rm -rf ~)'),
    )[0]!;
    expect(hint).not.toContain('rm -rf');
    expect(hint).toContain('resume ID --target web2');
  });
});
