import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { validateConfig } from '../../src/config/validate.js';
import { resolveConfigGroup } from '../../src/fleet/config-group.js';
import type { TargetInput } from '../../src/config/types.js';
import type { ResolvedFleet } from '../../src/fleet/group.js';
import { inventoryFleet, loadInventoryFleet, readInventory } from '../../src/fleet/inventory.js';
import { parseCli } from '../../src/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-inventory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes `text` to a fresh file with `extension`; returns its path. */
const file = (text: string, extension = '.ini'): string => {
  const path = join(dir, `inventory-${++files}${extension}`);
  writeFileSync(path, text);
  return path;
};

/** The template target: a fleet member's settings but its address. */
const template = withDefaults({
  transport: 'ssh',
  host: 'template.example.com',
  port: 2222,
  username: 'template-user',
  appUser: 'svc',
  paths: { app: '/srv/cvd/app' },
  serviceCtl: '/usr/local/bin/cvdctl',
});

const fleetOf = (text: string, group: string, extension?: string): ResolvedFleet =>
  inventoryFleet(readInventory(file(text, extension)), group, template);

const refusal = (text: string, group: string, extension?: string): string => {
  try {
    fleetOf(text, group, extension);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the inventory to be refused');
};

const addresses = (fleet: ResolvedFleet) =>
  fleet.members.map((m) => [m.name, m.target.host, m.target.port, m.target.username]);

const INI = `# production web tier
[web]
web1 ansible_host=10.0.0.1 ansible_port=2201
web2 ansible_host=10.0.0.2 ansible_user=ops   ; a comment
web[3:4]

[db]
db1

[web:vars]
ansible_user=deploy
cvd_tui_canary=1
cvd_tui_batch_size=2

[prod:children]
web
db

[prod:vars]
cvd_tui_max_failures=1
ansible_user=produser
`;

describe('Ansible INI inventories', () => {
  it('reads hosts, ranges and vars, the host’s own vars winning over its group’s', () => {
    const fleet = fleetOf(INI, 'web');
    expect(fleet.name).toBe('inventory:web');
    expect(addresses(fleet)).toEqual([
      ['web1', '10.0.0.1', 2201, 'deploy'],
      ['web2', '10.0.0.2', undefined, 'ops'],
      ['web3', 'web3', undefined, 'deploy'],
      ['web4', 'web4', undefined, 'deploy'],
    ]);
    // Parent's vars apply; the child group's own (ansible_user, canary, batch size) win.
    expect([fleet.canary, fleet.batchSize, fleet.maxFailures]).toEqual([1, 2, 1]);
  });

  it('takes every other setting from the template target, its address dropped', () => {
    const [web3] = fleetOf(INI, 'web').members.slice(2);
    expect(web3!.target).toEqual({
      ...template,
      transport: 'ssh',
      host: 'web3',
      username: 'deploy',
      port: undefined,
    });
    expect('port' in web3!.target).toBe(false);
    expect(web3!.target.paths.app).toBe('/srv/cvd/app');
    expect(web3!.target.serviceCtl).toBe('/usr/local/bin/cvdctl');
  });

  it('resolves a group of groups ([prod:children]) to every child’s hosts, in order', () => {
    const fleet = fleetOf(INI, 'prod');
    expect(fleet.members.map((m) => m.name)).toEqual(['web1', 'web2', 'web3', 'web4', 'db1']);
    // db1 has only prod's user; prod's own vars set no canary: the defaults.
    expect(fleet.members[4]!.target.username).toBe('produser');
    expect([fleet.canary, fleet.batchSize, fleet.maxFailures]).toEqual([1, 1, 1]);
  });

  it('expands padded, stepped and lettered ranges', () => {
    const fleet = fleetOf('[w]\nnode-[01:05:2].dc\nrack[a:b]-[1:2]\n', 'w');
    expect(fleet.members.map((m) => m.name)).toEqual([
      'node-01.dc',
      'node-03.dc',
      'node-05.dc',
      'racka-1',
      'racka-2',
      'rackb-1',
      'rackb-2',
    ]);
  });

  it('names the file and line of a malformed line, and quotes nothing raw', () => {
    const path = file('[web]\nweb1\nweb2 \u001b]52;c;aGk=\u0007port:22\n');
    let message = '';
    try {
      inventoryFleet(readInventory(path), 'web', template);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${path}:3:1`);
    expect(message).toMatch(/is not key=value/);
    expect(message).toContain('\\x1b]52');
    expect(message).not.toContain('\u001b');
    expect(message).not.toContain('\u0007');
  });

  it('refuses a bad section header, a bad port, a bad range and a bad rollout number, each by line', () => {
    expect(refusal('[web\nweb1\n', 'web')).toMatch(/:1:1: .*is not a section header/);
    expect(refusal('[web]\nweb1 ansible_port=ssh\n', 'web')).toMatch(
      /:2:1: "web1\.ansible_port" must be a whole number from 1 to 65535, got "ssh"/,
    );
    expect(refusal('[web]\nweb[3:1]\n', 'web')).toMatch(/:2:1: .*is not a host range/);
    expect(refusal('[web]\nweb1\n[web:vars]\ncvd_tui_batch_size=0\n', 'web')).toMatch(
      /:4:1: "cvd_tui_batch_size" must be a whole number from 1 to 1 for a group of 1 hosts, got "0"/,
    );
    expect(refusal('[web]\nweb1\n[web:vars]\ncvd_tui_canary=2\n', 'web')).toMatch(
      /"cvd_tui_canary" must be a whole number from 0 to 1 for a group of 1 hosts, got "2"/,
    );
    expect(refusal('[a:children]\nb\n[b:children]\na\n[b]\nh1\n', 'a')).toMatch(/break the loop/);
  });

  it('refuses a missing group, listing the groups there are', () => {
    expect(refusal(INI, 'cache')).toMatch(/has no group "cache"; its groups: all, web, db, prod/);
    expect(refusal('[web]\n[web:vars]\nx=1\n', 'web')).toMatch(/group "web" has no hosts/);
  });
});

const YAML = `all:
  vars:
    ansible_user: deploy
  children:
    web:
      vars:
        cvd_tui_canary: 1
        cvd_tui_batch_size: 2
        cvd_tui_max_failures: 0
      hosts:
        web1:
          ansible_host: 10.0.0.1
          ansible_port: 2201
        web2:
          ansible_host: 10.0.0.2
          ansible_user: ops
        web[3:4]:
    db:
      hosts:
        db1:
`;

describe('Ansible YAML inventories', () => {
  it('reads the same fleet as the INI file that says the same', () => {
    const fleet = fleetOf(YAML, 'web', '.yml');
    expect(addresses(fleet)).toEqual([
      ['web1', '10.0.0.1', 2201, 'deploy'],
      ['web2', '10.0.0.2', undefined, 'ops'],
      ['web3', 'web3', undefined, 'deploy'],
      ['web4', 'web4', undefined, 'deploy'],
    ]);
    expect([fleet.canary, fleet.batchSize, fleet.maxFailures]).toEqual([1, 2, 0]);
    expect(fleetOf(YAML, 'all', '.yaml').members.map((m) => m.name)).toEqual([
      'web1',
      'web2',
      'web3',
      'web4',
      'db1',
    ]);
  });

  it('is recognised without a .yml extension', () => {
    expect(fleetOf(YAML, 'db', '').members.map((m) => m.target.username)).toEqual(['deploy']);
  });

  it('names the line of broken YAML and of a key that is not hosts, children or vars', () => {
    expect(refusal('all:\n  hosts: [\n', 'all', '.yml')).toMatch(/:3:1: is not valid YAML/);
    expect(
      refusal('all:\n  children:\n    web:\n      host:\n        w1:\n', 'web', '.yml'),
    ).toMatch(/:4:1: "web\.host" is not a group key: hosts, children or vars/);
    expect(
      refusal('all:\n  hosts:\n    w1:\n      ansible_host: "bad host;reboot"\n', 'all', '.yml'),
    ).toMatch(/:4:1: "w1\.ansible_host" must be a host name or IP address/);
    expect(refusal(YAML, 'cache', '.yml')).toMatch(/has no group "cache"/);
  });
});

describe('an inventory group and a config group of the same three hosts', () => {
  it('resolve to the same members and rollout settings', () => {
    const shared: Partial<TargetInput> = { appUser: 'svc', paths: { app: '/srv/cvd/app' } };
    const config = validateConfig(
      {
        defaultTarget: 'template',
        targets: {
          template: { transport: 'ssh', host: 'template.example.com', ...shared },
          web1: { transport: 'ssh', host: '10.0.0.1', port: 2201, username: 'deploy', ...shared },
          web2: { transport: 'ssh', host: '10.0.0.2', username: 'deploy', ...shared },
          web3: { transport: 'ssh', host: 'web3', username: 'deploy', ...shared },
          web: { group: ['web1', 'web2', 'web3'], batchSize: 2 },
        },
      },
      'cvd-tui.json',
    );
    const configPath = file(JSON.stringify(config), '.json');
    const inventory = file(
      '[web]\nweb1 ansible_host=10.0.0.1 ansible_port=2201\nweb2 ansible_host=10.0.0.2\nweb3\n' +
        '[web:vars]\nansible_user=deploy\ncvd_tui_batch_size=2\n',
    );
    const fromInventory = loadInventoryFleet({ inventory, group: 'web', config: configPath });
    const fromConfig = resolveConfigGroup(config, 'web')!;
    expect(fromInventory.name).toBe('inventory:web');
    expect({ ...fromInventory, name: 'web' }).toStrictEqual(fromConfig);
    expect(fromConfig.members.map((m) => m.name)).toEqual(['web1', 'web2', 'web3']);
  });
});

describe('--inventory and --group', () => {
  it('go together, with the commands that act on a fleet, and the group must be a group name', () => {
    expect(
      parseCli(['deploy', '--inventory', 'hosts.ini', '--group', 'web']).options,
    ).toMatchObject({ inventory: 'hosts.ini', group: 'web' });
    expect(() => parseCli(['deploy', '--inventory', 'hosts.ini'])).toThrow(/go together/);
    expect(parseCli(['doctor', '--inventory', 'h', '--group', 'web']).options.group).toBe('web');
    expect(() => parseCli(['sudoers', '--inventory', 'h', '--group', 'web'])).toThrow(
      /with deploy, resume, rollback, export, history, doctor, monitor, recover/,
    );
    expect(() => parseCli(['deploy', '--inventory', 'h', '--group', 'w;b'])).toThrow(
      /must be an inventory group name/,
    );
  });
});
