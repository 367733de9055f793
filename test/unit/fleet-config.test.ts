import { describe, expect, it } from 'vitest';
import { ConfigError, resolveTarget, validateConfig } from '../../src/config/validate.js';
import { resolveConfigGroup } from '../../src/fleet/config-group.js';
import { batchesOf, planOf } from '../../src/fleet/plan.js';

const ssh = (host: string) => ({ transport: 'ssh', host, username: 'cvdops' });
const targets = {
  web1: ssh('web1.example.com'),
  web2: ssh('web2.example.com'),
  web3: ssh('web3.example.com'),
};
const withGroup = (group: Record<string, unknown>) => ({ targets: { ...targets, web: group } });

const problem = (raw: unknown): ConfigError => {
  try {
    validateConfig(raw, '/etc/cvd.json');
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected the config to be refused');
};

describe('a group entry in the config', () => {
  it('resolves to its members as full targets, with its counts (defaults 1, 1, 0)', () => {
    const config = validateConfig(
      withGroup({ group: ['web1', 'web2', 'web3'], canary: 1, batchSize: 2 }),
      'f',
    );
    const fleet = resolveConfigGroup(config, 'web')!;
    expect(fleet.members.map((m) => [m.name, m.target.host, m.target.appUser])).toEqual([
      ['web1', 'web1.example.com', 'cvdapp'],
      ['web2', 'web2.example.com', 'cvdapp'],
      ['web3', 'web3.example.com', 'cvdapp'],
    ]);
    expect([fleet.canary, fleet.batchSize, fleet.maxFailures]).toEqual([1, 2, 0]);
    expect(resolveConfigGroup(config, 'web1')).toBeUndefined();
    expect(
      resolveConfigGroup(validateConfig(withGroup({ group: ['web2'] }), 'f'), 'web'),
    ).toMatchObject({
      canary: 1,
      batchSize: 1,
      maxFailures: 0,
    });
  });

  it.each([
    [{ group: [] }, 'targets.web.group', /non-empty list/],
    [{ group: 'web1' }, 'targets.web.group', /non-empty list/],
    [
      { group: ['web1', 'db9'] },
      'targets.web.group.1',
      /must name a target of this config, got "db9"/,
    ],
    [{ group: ['web1', 'web1'] }, 'targets.web.group.1', /a second time/],
    [{ group: ['web1'], canary: 2 }, 'targets.web.canary', /from 0 to 1 for a group of 1/],
    [{ group: ['web1', 'web2'], batchSize: 0 }, 'targets.web.batchSize', /from 1 to 2/],
    [{ group: ['web1', 'web2'], maxFailures: 1.5 }, 'targets.web.maxFailures', /whole number/],
    [{ group: ['web1'], canaries: 1 }, 'targets.web.canaries', /not a known key of a group/],
  ])('refuses %j naming the key', (group, key, message) => {
    const error = problem(withGroup(group));
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
  });

  it('refuses a group of groups, and a group where one target is wanted', () => {
    const nested = problem({
      targets: { ...targets, web: { group: ['web1'] }, all: { group: ['web', 'web2'] } },
    });
    expect(nested.key).toBe('targets.all.group.0');
    expect(nested.message).toMatch(/names the group "web": a group holds targets only/);
    const config = validateConfig(withGroup({ group: ['web1'] }), 'f');
    expect(() => resolveTarget(config, 'f', 'web')).toThrow(
      /is a group of targets \(web1\).*--target web/,
    );
  });
});

describe('the batch plan', () => {
  it('puts the canary hosts first, then batches of batchSize', () => {
    const members = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name }));
    const batches = batchesOf({ members: members as never, canary: 1, batchSize: 2 });
    expect(batches).toEqual([0, 1, 1, 2, 2, 3]);
    const hosts = members.map((m, i) => ({
      host: m.name,
      position: i,
      batch: batches[i]!,
      deploymentId: null,
      skipReason: null,
    }));
    expect(planOf(hosts, 0)).toEqual({
      canary: ['a'],
      batches: [['b', 'c'], ['d', 'e'], ['f']],
      maxFailures: 0,
    });
    expect(batchesOf({ members: members.slice(0, 3) as never, canary: 0, batchSize: 3 })).toEqual([
      1, 1, 1,
    ]);
  });
});
