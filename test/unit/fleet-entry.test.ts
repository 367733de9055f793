import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { lockDir, takeDeployLock } from '../../src/engine/lock.js';
import { abandonFleet } from '../../src/fleet/abandon.js';
import type { FleetHostHandle } from '../../src/fleet/checks.js';
import { runningSummary, sharedTags } from '../../src/fleet/look.js';
import { FleetRunner } from '../../src/fleet/runner.js';
import { FleetStore } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import { newFleet } from '../helpers/fleet-record.js';

describe("a fleet's start screen, as the engine reads it", () => {
  it('offers the tags every host has, newest first, and names the hosts lacking the others', () => {
    expect(
      sharedTags([
        { host: 'web1', tags: ['v1.0.2', 'v1.0.1', 'v1.0.0'] },
        { host: 'web2', tags: ['v1.0.1', 'v1.0.0'] },
        { host: 'web3', tags: ['v1.0.3', 'v1.0.2', 'v1.0.1', 'v1.0.0'] },
      ]),
    ).toEqual({
      tags: ['v1.0.1', 'v1.0.0'],
      partial: [
        { tag: 'v1.0.2', missingOn: ['web2'] },
        { tag: 'v1.0.3', missingOn: ['web1', 'web2'] },
      ],
    });
    expect(sharedTags([{ host: 'web1', tags: [] }])).toEqual({ tags: [], partial: [] });
  });

  it("says one version for a group that runs one, else each version's hosts", () => {
    const hosts = ['web1', 'web2', 'web3'].map((host) => ({ host, runningVersion: 'v1.0.0' }));
    expect(runningSummary(hosts)).toBe('v1.0.0 on every host');
    hosts[1]!.runningVersion = 'v1.0.1';
    expect(runningSummary(hosts)).toBe('v1.0.0 on web1, web3 · v1.0.1 on web2');
  });
});

describe('abandoning a fleet', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("abandons every host's unfinished deployment, releasing its lock on the host, then the fleet", async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-fleet-abandon-'));
    const store = StateStore.open(join(dir, 'state.db'));
    const fleets = new FleetStore(store);
    const names = ['web1', 'web2', 'web3'];
    fleets.create(newFleet('f1', names));
    const transport = new LocalTransport();
    const hosts: FleetHostHandle[] = [];
    for (const name of names) {
      const base = join(dir, name);
      const target = withDefaults({
        transport: 'local',
        useSudo: false,
        paths: { deployments: join(base, 'deployments'), logs: join(base, 'logs') },
      });
      const ctx = {
        store,
        transport,
        target,
        targetName: name,
        operator: 'alice',
        jumpHost: 'jump',
        takeOver: false,
        check: () => Promise.reject(new Error('not asked')),
      };
      hosts.push({ name, ctx });
      // web3 was never begun: nothing of it to abandon.
      if (name === 'web3') continue;
      const id = `d-${name}`;
      fleets.linkHost('f1', name, id);
      store.createDeployment({
        id,
        target: name,
        operator: 'alice',
        jumpHost: 'jump',
        versionFrom: 'v1.0.0',
        versionTo: 'v1.0.1',
        startedAt: 1000,
      });
      await takeDeployLock({ ...ctx, deploymentId: id });
      expect(existsSync(lockDir(target.paths.deployments))).toBe(true);
    }
    const runner = new FleetRunner({ store, fleetId: 'f1', hosts, secrets: {} });
    await abandonFleet(runner, { store, operator: 'alice' }, 'superseded');
    for (const { name, ctx } of hosts.slice(0, 2)) {
      expect(existsSync(lockDir(ctx.target.paths.deployments)), name).toBe(false);
      const d = store.deployment(`d-${name}`)!;
      expect(d.status).toBe('abandoned');
      expect(d.resolution).toBe('Abandoned by alice: fleet f1 abandoned: superseded');
    }
    expect(fleets.fleet('f1')!.status).toBe('abandoned');
    expect(fleets.latest('web', true)).toBeUndefined();
    store.close();
  });
});
