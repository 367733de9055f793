import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { rootArgv, ROOT_ACTIONS } from '../../src/steps/privilege.js';
import { resolvedCommands } from '../../src/sudoers/commands.js';
import { sudoersFragment, sudoersRules } from '../../src/sudoers/fragment.js';

const target = withDefaults({ transport: 'ssh', host: 'prod.example.com' });
const found = { rootCommand0: '/usr/bin/systemctl', rootCommand1: '/usr/bin/install' };

describe('the sudoers fragment', () => {
  it('has one rule a line: anything as the app user, and as root exactly each rootArgv line', () => {
    const rules = sudoersRules(target, 'cvdops', resolvedCommands(found, target));
    expect(rules.map((r) => r.line)).toEqual([
      'cvdops ALL=(cvdapp) NOPASSWD: ALL',
      ...ROOT_ACTIONS.map((action) => {
        const [program, ...args] = rootArgv(target, action);
        const path = program === 'systemctl' ? '/usr/bin/systemctl' : '/usr/bin/install';
        return `cvdops ALL=(root) NOPASSWD: ${[path, ...args].join(' ')}`;
      }),
    ]);
    expect(rules.map((r) => r.label)).toEqual([
      'as cvdapp',
      'systemctl stop cvd',
      'systemctl start cvd',
      'systemctl daemon-reload',
      'install -m 0644 cvd.service.install cvd.service',
    ]);
    // Never root ALL, never a shell.
    const asRoot = rules.slice(1).map((r) => r.line!);
    expect(asRoot.join('\n')).not.toMatch(/\(root\) NOPASSWD: ALL|\b(ba)?sh\b|\*/);
  });

  it('says where each path came from; an absolute serviceCtl the target did not find comes from the config', () => {
    const own = withDefaults({ transport: 'local', serviceCtl: '/usr/local/sbin/cvdctl' });
    const commands = resolvedCommands({ rootCommand1: '/usr/bin/install' }, own);
    expect(commands).toEqual([
      { name: '/usr/local/sbin/cvdctl', path: '/usr/local/sbin/cvdctl', source: 'config' },
      { name: 'install', path: '/usr/bin/install', source: 'target' },
    ]);
    const fragment = sudoersFragment('prod', own, 'ops', commands);
    expect(fragment).toContain('# /usr/local/sbin/cvdctl: from the config');
    expect(fragment).toContain('# /usr/bin/install: found with command -v on the target');
  });

  it('refuses to print a rule for a program the target does not have', () => {
    expect(() => sudoersFragment('prod', target, 'ops', resolvedCommands({}, target))).toThrow(
      /^systemctl was not found on the target \(command -v\): install it, or set serviceCtl to its absolute path$/,
    );
  });

  it('escapes what sudoers reads as syntax in a user name, and the result passes visudo -cf', () => {
    const fragment = sudoersFragment('prod', target, 'ops:x=y', resolvedCommands(found, target));
    expect(fragment).toContain('ops\\:x\\=y ALL=(cvdapp) NOPASSWD: ALL');
    const dir = mkdtempSync(join(tmpdir(), 'cvd-sudoers-'));
    try {
      const file = join(dir, 'fragment');
      writeFileSync(
        file,
        sudoersFragment('prod', target, 'cvdops', resolvedCommands(found, target)),
      );
      expect(execFileSync('visudo', ['-cf', file], { encoding: 'utf8' })).toMatch(/parsed OK/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
