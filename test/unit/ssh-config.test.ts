import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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
  resolveSshHost,
} from '../../src/transport/ssh-config.js';
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

describe('ssh_config parsing', () => {
  it('resolves a Host alias with first-value-wins and accumulating IdentityFile', () => {
    const s = resolveSshHost(CONFIG, 'prod');
    expect(s).toMatchObject({ hostName: '10.0.0.5', user: 'deploy', port: 2222 });
    expect(s.identityFiles).toEqual([
      '~/.ssh/prod_key',
      '~/.ssh/fallback_key',
      '~/.ssh/id_ed25519',
    ]);
  });

  it('accepts `=` separators, any keyword case, and quoted values', () => {
    expect(resolveSshHost(CONFIG, 'staging')).toMatchObject({
      hostName: 'staging.example.com',
      user: 'ops',
      port: 22,
    });
  });

  it('matches wildcards, lets a negated pattern veto the block, expands %h', () => {
    expect(resolveSshHost(CONFIG, 'db.internal')).toMatchObject({
      user: 'internal-user',
      proxyJump: 'jumper@bastion.example.com:2200',
    });
    expect(resolveSshHost(CONFIG, 'secret.internal')).toMatchObject({
      user: 'fallback',
      proxyJump: undefined,
    });
    expect(resolveSshHost(CONFIG, 'web1').hostName).toBe('web1.example.com');
    expect(resolveSshHost(CONFIG, 'unlisted')).toMatchObject({
      hostName: 'unlisted',
      user: 'fallback',
    });
  });

  it('ignores Match blocks entirely and never runs Match exec', () => {
    for (const alias of ['prod', 'evil', 'unlisted'])
      expect(resolveSshHost(CONFIG, alias).user).not.toBe('evil');
    expect(existsSync(canary)).toBe(false);
  });

  it('offers literal Host names only', () => {
    expect(hostAliases(CONFIG)).toEqual(['prod', 'staging']);
  });

  it('agrees with `ssh -G` on HostName, User, Port and ProxyJump', () => {
    // Without the Match block: ssh -G would evaluate (and run) it.
    const file = join(dir, 'plain_config');
    writeFileSync(file, CONFIG.replace(/^Match[\s\S]*?\n\n/m, '').replace(/^Include.*$/m, ''));
    const text = CONFIG.replace(/^Match[\s\S]*?\n\n/m, '');
    for (const alias of ['prod', 'staging', 'db.internal', 'secret.internal', 'web1', 'unlisted']) {
      const g = Object.fromEntries(
        execFileSync('ssh', ['-G', '-F', file, alias], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
      );
      const s = resolveSshHost(text, alias);
      expect([s.hostName, s.user, String(s.port ?? 22), s.proxyJump], alias).toEqual([
        g.hostname,
        g.user,
        g.port,
        g.proxyjump,
      ]);
    }
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
