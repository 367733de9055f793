import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import type { TargetInput } from '../../src/config/types.js';
import { resolveSshTarget } from '../../src/transport/open.js';
import {
  expandPath,
  hostAliases,
  parseJump,
  parseSshConfig,
  resolveSshHost,
} from '../../src/transport/ssh-config.js';
import { loadSshConfig } from '../../src/transport/ssh-config-file.js';
import { TransportRefused } from '../../src/transport/types.js';

const dir = mkdtempSync(join(tmpdir(), 'cvd-sshcfg-'));
const canary = join(dir, 'match-exec-ran');

const CONFIG = `
# global options apply to every host, but a Host block earlier in the file wins
Host prod
  HostName 10.0.0.5
  User deploy
  Port 2222
  IdentityFile ~/.ssh/prod_key
  IdentityFile ~/.ssh/fallback_key

Host=staging
  hostname = staging.example.com
  USER "ops"

Host *.internal !secret.internal
  User internal-user
  ProxyJump jumper@bastion.example.com:2200

Match exec "touch ${canary}"
  HostName evil.example.com
  User evil

Host web?
  HostName %h.example.com

Include ~/.ssh/config.d/*

Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_ed25519
`;

/** What `ssh -G` says about `alias` with `file` as its config, keyword (lower case) to value. */
const sshG = (file: string, alias: string): Record<string, string> =>
  Object.fromEntries(
    execFileSync('ssh', ['-G', '-F', file, alias], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
  );

/** The fields cvd-tui takes from an ssh config, as ssh -G prints them. */
function expectParity(file: string, settings: ReturnType<typeof resolveSshHost>): void {
  const g = sshG(file, settings.alias);
  expect(
    [settings.hostName, settings.user, String(settings.port ?? 22), settings.proxyJump],
    settings.alias,
  ).toEqual([g.hostname, g.user, g.port, g.proxyjump]);
}

describe('ssh_config parsing', () => {
  const config = parseSshConfig(CONFIG);
  const resolve = (alias: string) => resolveSshHost(config, alias);
  it('resolves a Host alias with first-value-wins and accumulating IdentityFile', () => {
    const s = resolve('prod');
    expect(s).toMatchObject({ hostName: '10.0.0.5', user: 'deploy', port: 2222 });
    expect(s.identityFiles).toEqual([
      '~/.ssh/prod_key',
      '~/.ssh/fallback_key',
      '~/.ssh/id_ed25519',
    ]);
  });

  it('accepts `=` separators, any keyword case, and quoted values', () => {
    expect(resolve('staging')).toMatchObject({
      hostName: 'staging.example.com',
      user: 'ops',
      port: 22,
    });
  });

  it('matches wildcards, lets a negated pattern veto the block, expands %h', () => {
    expect(resolve('db.internal')).toMatchObject({
      user: 'internal-user',
      proxyJump: 'jumper@bastion.example.com:2200',
    });
    expect(resolve('secret.internal')).toMatchObject({
      user: 'fallback',
      proxyJump: undefined,
    });
    expect(resolve('web1').hostName).toBe('web1.example.com');
    expect(resolve('unlisted')).toMatchObject({
      hostName: 'unlisted',
      user: 'fallback',
    });
  });

  it('ignores Match blocks entirely and never runs Match exec', () => {
    for (const alias of ['prod', 'evil', 'unlisted']) expect(resolve(alias).user).not.toBe('evil');
    expect(existsSync(canary)).toBe(false);
  });

  it('offers literal Host names only', () => {
    expect(hostAliases(config)).toEqual(['prod', 'staging']);
  });

  it('agrees with `ssh -G` on HostName, User, Port and ProxyJump', () => {
    // Without the Match block: ssh -G would evaluate (and run) it.
    const file = join(dir, 'plain_config');
    writeFileSync(file, CONFIG.replace(/^Match[\s\S]*?\n\n/m, '').replace(/^Include.*$/m, ''));
    const plain = parseSshConfig(CONFIG.replace(/^Match[\s\S]*?\n\n/m, ''));
    for (const alias of ['prod', 'staging', 'db.internal', 'secret.internal', 'web1', 'unlisted'])
      expectParity(file, resolveSshHost(plain, alias));
  });

  it('parses ProxyJump forms and refuses several hops', () => {
    expect(parseJump('bastion')).toEqual({ host: 'bastion' });
    expect(parseJump('me@bastion:2200')).toEqual({ user: 'me', host: 'bastion', port: 2200 });
    expect(parseJump('ssh://me@[::1]:22')).toEqual({ user: 'me', host: '::1', port: 22 });
    expect(parseJump('a,b')).toHaveProperty('error');
    expect(parseJump('bad host')).toHaveProperty('error');
  });

  it('expands ~ and ssh tokens in paths', () => {
    const c = {
      home: '/home/me',
      localUser: 'me',
      host: 'h.example',
      user: 'ops',
      port: 22,
      alias: 'h',
    };
    expect(expandPath('~/.ssh/%r@%h:%p', c)).toBe('/home/me/.ssh/ops@h.example:22');
    expect(expandPath('%d/keys/%u_%n%%', c)).toBe('/home/me/keys/me_h%');
  });
});

describe('ssh_config files and Include', () => {
  const home = mkdtempSync(join(tmpdir(), 'cvd-inc-home-'));
  const inc = join(dir, 'inc');
  mkdirSync(join(inc, 'conf.d'), { recursive: true });
  const write = (file: string, text: string) => (writeFileSync(file, text), file);
  write(join(inc, 'conf.d', '10-a.conf'), 'Host db1\n  HostName 10.1.0.1\n  User dbadmin\n');
  write(join(inc, 'conf.d', '20-b.conf'), 'Host db1 db2\n  User second\n  Port 2201\n');
  // glob(3) skips dot files for `*`; `*.conf` does not name .txt files.
  write(join(inc, 'conf.d', '.hidden.conf'), 'Host db2\n  User hidden\n');
  write(join(inc, 'conf.d', 'skip.txt'), 'Host db2\n  HostName wrong\n');
  // Included inside `Host app*`: applies only to hosts that block matches.
  write(
    join(inc, 'app-extra'),
    'HostName %h.apps.example.com\nHost app2\n  User app2user\nHost zzz\n  User never\n',
  );
  const main = write(
    join(inc, 'main'),
    [
      `Include ${inc}/conf.d/*.conf`,
      'Host web?',
      '  User q',
      'Host foo,bar',
      '  User comma',
      'Host Prod',
      '  User upper',
      'Host app*',
      `  Include ${inc}/app-extra`,
      '  Port 2022',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'),
  );

  it('agrees with `ssh -G` with Include (globs, nested, inside a Host block) and pattern edge cases', () => {
    const config = loadSshConfig(main, home);
    const aliases = ['db1', 'db2', 'app1', 'app2', 'zzz', 'web', 'webx', 'foo', 'prod', 'PROD'];
    for (const alias of aliases) expectParity(main, resolveSshHost(config, alias));
    // Spelled out, so a wrong ssh -G reading cannot make the test pass on its own.
    expect(resolveSshHost(config, 'db1')).toMatchObject({ hostName: '10.1.0.1', port: 2201 });
    expect(resolveSshHost(config, 'app1').hostName).toBe('app1.apps.example.com');
    expect(resolveSshHost(config, 'zzz').user).toBe('fallback');
    // `Host Prod` and `Host foo,bar` can match no name ssh(1) accepts: not offered.
    expect(hostAliases(config)).toEqual(['db1', 'db2']);
  });

  it('reads a relative Include under ~/.ssh and ~/ under the home directory', () => {
    mkdirSync(join(home, '.ssh', 'extra'), { recursive: true });
    write(join(home, '.ssh', 'extra', 'one'), 'Host one\n  User from-relative\n');
    write(join(home, 'two'), 'Host two\n  User from-home\n');
    const loaded = loadSshConfig(write(join(dir, 'rel'), 'Include extra/* ~/two\n'), home);
    expect(resolveSshHost(loaded, 'one').user).toBe('from-relative');
    expect(resolveSshHost(loaded, 'two').user).toBe('from-home');
  });

  it('never runs Match exec nor reads an Include inside a Match block', () => {
    const marker = join(dir, 'loader-match-exec-ran');
    // Were this Include read, its unbalanced quote would throw.
    write(join(inc, 'broken'), 'Host x\n  User "unterminated\n');
    const file = write(
      join(inc, 'with-match'),
      `Match exec "touch ${marker}"\n  User evil\n  Include ${inc}/broken\nHost *\n  User fine\n`,
    );
    expect(resolveSshHost(loadSshConfig(file, home), 'any').user).toBe('fine');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a config that includes itself and one that does not parse, naming the file', () => {
    const loop = join(inc, 'loop');
    write(loop, `Include ${loop}\n`);
    expect(() => loadSshConfig(loop, home)).toThrow(/nests 16 files deep/);
    expect(() => loadSshConfig(join(inc, 'broken'), home)).toThrow(
      new RegExp(`${join(inc, 'broken')} is not a valid ssh config`),
    );
    expect(() => loadSshConfig(join(inc, 'broken'), home)).toThrow(TransportRefused);
  });

  it('reads nothing for a missing file or sshConfigPath ""', () => {
    expect(loadSshConfig(join(inc, 'absent'), home)).toEqual([]);
    expect(loadSshConfig('', home)).toEqual([]);
  });
});

describe('resolving a target through the ssh config', () => {
  const home = mkdtempSync(join(tmpdir(), 'cvd-home-'));
  const env = { home, localUser: 'local', agent: undefined };
  const sshConfig = join(home, 'ssh_config');
  const target = (input: Partial<TargetInput>) =>
    withDefaults({ transport: 'ssh', host: 'prod', sshConfigPath: sshConfig, ...input });
  execFileSync('mkdir', ['-p', join(home, '.ssh')]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-f',
    join(home, '.ssh', 'fallback_key'),
  ]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    'passphrase',
    '-f',
    join(home, '.ssh', 'locked_key'),
  ]);
  writeFileSync(sshConfig, CONFIG);

  it('fills in what the target leaves out; the first IdentityFile that exists is used', () => {
    const { hop, jump } = resolveSshTarget(target({}), env);
    expect(hop).toMatchObject({
      host: '10.0.0.5',
      port: 2222,
      username: 'deploy',
      privateKeyPath: join(home, '.ssh', 'fallback_key'),
    });
    expect(hop.knownHostsPath).toBe(join(home, '.ssh', 'known_hosts'));
    expect(jump).toBeUndefined();
  });

  it("lets the target's own values win, an explicit port 22 too; without one the ssh config's Port applies", () => {
    const { hop } = resolveSshTarget(
      target({ username: 'alice', port: 2200, privateKeyPath: '/keys/alice' }),
      env,
    );
    expect(hop).toMatchObject({ username: 'alice', port: 2200, privateKeyPath: '/keys/alice' });
    expect(resolveSshTarget(target({ port: 22 }), env).hop.port).toBe(22);
    expect(resolveSshTarget(target({}), env).hop.port).toBe(2222);
  });

  it('resolves the ProxyJump host through the same config', () => {
    const { hop, jump } = resolveSshTarget(target({ host: 'db.internal' }), env);
    expect(hop).toMatchObject({ host: 'db.internal', username: 'internal-user' });
    expect(jump).toMatchObject({
      host: 'bastion.example.com',
      port: 2200,
      username: 'jumper',
      knownHostsPath: hop.knownHostsPath,
    });
  });

  it('leaves a passphrase-protected IdentityFile to ssh-agent when there is one', () => {
    writeFileSync(
      sshConfig,
      'Host locked\n  IdentityFile ~/.ssh/locked_key\n  UserKnownHostsFile ~/kh/%h\n  HashKnownHosts yes\n',
    );
    const locked = target({ host: 'locked' });
    expect(resolveSshTarget(locked, env).hop.privateKeyPath).toBe(join(home, '.ssh', 'locked_key'));
    const { hop } = resolveSshTarget(locked, { ...env, agent: '/run/agent.sock' });
    expect(hop.privateKeyPath).toBeUndefined();
    expect(hop).toMatchObject({
      knownHostsPath: join(home, 'kh', 'locked'),
      hashKnownHosts: true,
      username: 'local',
    });
  });

  it('refuses hostile values coming from the ssh config', () => {
    writeFileSync(
      sshConfig,
      'Host bad\n  HostName $(touch /tmp/x)\nHost worse\n  User -oProxyCommand=id\nHost two\n  ProxyJump a,b\n',
    );
    for (const host of ['bad', 'worse', 'two'])
      expect(() => resolveSshTarget(target({ host }), env), host).toThrow(TransportRefused);
  });

  it('reads no ssh config when sshConfigPath is ""', () => {
    writeFileSync(sshConfig, CONFIG);
    expect(resolveSshTarget(target({ sshConfigPath: '' }), env).hop).toMatchObject({
      host: 'prod',
      port: 22,
      username: 'local',
    });
  });
});
