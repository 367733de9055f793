import { describe, expect, it } from 'vitest';
import { fleetView } from '../../src/fleet/build-view.js';
import { rollbackOrder } from '../../src/fleet/rollback.js';
import { haltsRollout, skipRefusal } from '../../src/fleet/rules.js';
import { FleetStore } from '../../src/state/fleet-store.js';
import { recordFleet } from '../helpers/fleet-record.js';

describe('haltsRollout', () => {
  const batchFailure = (failedHosts: number, maxFailures: number) =>
    haltsRollout({ canary: false, status: 'failed', failedHosts, maxFailures });

  it('tolerates batch failures up to maxFailures and halts at the one beyond', () => {
    expect(batchFailure(1, 0)).toBe(true);
    expect(batchFailure(1, 1)).toBe(false);
    expect(batchFailure(2, 1)).toBe(true);
    expect(batchFailure(2, 2)).toBe(false);
    expect(batchFailure(3, 2)).toBe(true);
  });

  it('always halts on a canary, and on a step stuck rather than failed', () => {
    expect(haltsRollout({ canary: true, status: 'failed', failedHosts: 1, maxFailures: 5 })).toBe(
      true,
    );
    for (const status of ['blocked', 'unsettled', undefined] as const)
      expect(haltsRollout({ canary: false, status, failedHosts: 0, maxFailures: 5 })).toBe(true);
  });
});

/**
 * A fleet of five recorded hosts: canary web1, batch 1 web2 and web3, batch
 * 2 web4 and web5. `ran` is the steps each host's deployment ran (none: the
 * host has no deployment).
 */
function recordedFleet(ran: Record<string, string[]>, skipped: string[] = []) {
  const hosts = ['web1', 'web2', 'web3', 'web4', 'web5'];
  const store = recordFleet(
    hosts.map((host, i) => ({ host, batch: Math.ceil(i / 2) })),
    Object.keys(ran),
  );
  for (const [host, steps] of Object.entries(ran))
    for (const step of steps) {
      const attempt = store.beginAttempt(`d-${host}`, step, 'run', 'alice', 'step started');
      store.finishAttempt(`d-${host}`, step, attempt, {
        status: 'succeeded',
        exitCode: 0,
        summary: 'ok',
        outcomeUnknown: false,
      });
    }
  for (const host of skipped) new FleetStore(store).skipHost('f1', host, 'out of rotation');
  return store;
}

describe('rollbackOrder', () => {
  it('takes every changed host, the last batch first and the canary last; never the unchanged or skipped', () => {
    const changed = ['1.1', '1.3', '2.1', '2.2'];
    const store = recordedFleet(
      { web1: changed, web2: changed, web3: ['1.1', '1.3'], web4: changed, web5: changed },
      ['web5'],
    );
    expect(rollbackOrder(store, new FleetStore(store).hosts('f1'))).toEqual([
      'web4',
      'web2',
      'web1',
    ]);
    store.close();
  });
});

describe('skipRefusal', () => {
  // web1 (canary) and web2 failed after 2.1 changed them; web3 only prepared; web4 rolled back.
  const changedSteps = ['1.1', '1.3', '2.1'];
  const store = recordedFleet({
    web1: changedSteps,
    web2: changedSteps,
    web3: ['1.1', '1.3'],
    web4: changedSteps,
  });
  for (const host of ['web1', 'web2']) store.setStatus(`d-${host}`, 'failed', 'alice');
  store.setStatus('d-web4', 'rolled_back', 'alice');
  const refusal = (host: string, reason = 'out of rotation') =>
    skipRefusal(
      fleetView(store, 'f1'),
      host,
      reason,
      rollbackOrder(store, new FleetStore(store).hosts('f1')),
    );

  it('refuses a canary, naming the version it is there to prove', () => {
    expect(refusal('web1')).toMatch(
      /^web1 is a canary of fleet f1 and is never skipped: it proves v1\.0\.1 before any batch gets it/,
    );
  });

  it('refuses a host the rollout changed until it is rolled back', () => {
    expect(refusal('web2')).toBe(
      "web2 has been changed by v1.0.1's rollout: roll it back first (its deployment d-web2), then skip it",
    );
    expect(refusal('web4')).toBeUndefined();
  });

  it('lets a batch host the rollout has not changed be skipped, begun or not', () => {
    expect(refusal('web3')).toBeUndefined();
    expect(refusal('web5')).toBeUndefined();
  });

  it('refuses a blank reason, an unknown host and a host deployed or skipped already', () => {
    expect(refusal('web3', '  ')).toMatch(/only with a reason/);
    expect(refusal('web9')).toMatch(/no host web9: its hosts are web1, web2, web3, web4, web5/);
    store.setStatus('d-web3', 'succeeded', 'alice');
    expect(refusal('web3')).toMatch(/web3 is deployed already/);
    new FleetStore(store).skipHost('f1', 'web5', 'gone');
    expect(refusal('web5')).toMatch(/web5 is skipped already/);
  });
});
