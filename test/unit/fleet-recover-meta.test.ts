/**
 * recover on a fleet: a host's metadata names its fleet and group, and the
 * fleet's record is rebuilt only when every member was recovered naming
 * the same fleet (a member with nothing to recover may have finished; a
 * rebuilt fleet would deploy it again).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rebuildFleet, type HostRecovery } from '../../src/cli/fleet-recover.js';
import { withDefaults } from '../../src/config/defaults.js';
import { formatMeta, parseMeta, type DeploymentMeta } from '../../src/engine/deployment-meta.js';
import type { ResolvedFleet } from '../../src/fleet/group.js';
import { FleetStore } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';

const META: DeploymentMeta = {
  id: '20261201_070000_a1b2',
  target: 'web2',
  operator: 'alice',
  jumpHost: 'jump',
  versionFrom: 'v1.0.1',
  versionTo: 'v1.0.2',
  startedAt: 1_764_572_400_000,
};

describe("a deployment's metadata on the target", () => {
  it("names a fleet host's fleet and group, and reads back what it wrote", () => {
    const text = formatMeta({ ...META, fleet: '20261201_065959_f00d', group: 'inventory:web' });
    expect(text).toContain('\nfleet=20261201_065959_f00d\ngroup=inventory:web');
    expect(parseMeta(text)).toEqual({
      ...META,
      fleet: '20261201_065959_f00d',
      group: 'inventory:web',
    });
  });

  it("writes no fleet keys for a lone target's, and reads an older cvd-tui's (no fleet keys)", () => {
    const text = formatMeta(META);
    expect(text).not.toMatch(/^(fleet|group)=/m);
    expect(parseMeta(text)).toEqual(META);
    expect(parseMeta(text)!.fleet).toBeUndefined();
  });
});

describe('the fleet record rebuilt by recover', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const member = (name: string) => ({
    name,
    target: withDefaults({ transport: 'ssh', host: `${name}.example.com` }),
  });
  const group: ResolvedFleet = {
    name: 'web',
    members: [member('web1'), member('web2'), member('web3')],
    canary: 1,
    batchSize: 2,
    maxFailures: 0,
  };
  const FLEET = '20261201_065959_f00d';

  function setUp() {
    const dir = mkdtempSync(join(tmpdir(), 'cvd-fleet-rebuild-'));
    dirs.push(dir);
    const store = StateStore.open(join(dir, 'state.db'));
    let made = 0;
    const host = (name: string, fleet?: { id: string; group: string }): HostRecovery => {
      const id = `20261201_0700${String(++made).padStart(2, '0')}_000${name.slice(-1)}`;
      store.createDeployment({
        id,
        target: name,
        operator: 'alice',
        jumpHost: 'jump',
        versionFrom: 'v1.0.1',
        versionTo: 'v1.0.2',
        startedAt: 1000 + Number(name.slice(-1)),
      });
      return {
        host: name,
        recovered: { deployment: store.deployment(id)!, attempts: [], facts: [], fleet },
      };
    };
    return { store, host };
  }

  it('rebuilds the fleet, its plan from the config, when every host names it', () => {
    const { store, host } = setUp();
    const named = { id: FLEET, group: 'web' };
    const hosts = [host('web1', named), host('web2', named), host('web3', named)];
    const record = rebuildFleet(store, group, hosts);
    expect(record).toMatchObject({
      id: FLEET,
      name: 'web',
      versionTo: 'v1.0.2',
      operator: 'alice',
      status: 'in_progress',
      canary: 1,
      batchSize: 2,
      startedAt: 1001,
    });
    const fleets = new FleetStore(store);
    expect(fleets.hosts(FLEET).map((h) => [h.host, h.batch, h.deploymentId])).toEqual(
      hosts.map((h, i) => [
        h.host,
        i === 0 ? 0 : 1,
        'recovered' in h ? h.recovered.deployment.id : null,
      ]),
    );
    // Once held, it is not rebuilt again.
    expect(rebuildFleet(store, group, hosts)).toBeUndefined();
    store.close();
  });

  it('rebuilds none when a host had nothing to recover, names another fleet or group, or none', () => {
    const { store, host } = setUp();
    const named = { id: FLEET, group: 'web' };
    const [web1, web2] = [host('web1', named), host('web2', named)];
    const cases: HostRecovery[][] = [
      [web1, web2, { host: 'web3', nothing: 'no unfinished deployment' }],
      [web1, web2, host('web3', { id: '20261201_065959_beef', group: 'web' })],
      [web1, web2, host('web3', { id: FLEET, group: 'db' })],
      [web1, web2, host('web3')],
    ];
    for (const hosts of cases) expect(rebuildFleet(store, group, hosts)).toBeUndefined();
    expect(new FleetStore(store).fleet(FLEET)).toBeUndefined();
    store.close();
  });
});
