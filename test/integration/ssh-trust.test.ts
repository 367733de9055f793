/**
 * SSH the way OpenSSH does it, against a real sshd, through the built CLI:
 * a Host alias from an ssh config, ssh-agent authentication, hashed
 * known_hosts, an unknown host (refused headless, trusted only with the
 * matching --trust-host-key), a changed host key (refused whatever is
 * passed), and one ProxyJump hop. The target is a demo built on this
 * machine, reached over ssh, so doctor has something real to check.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import { openTransport } from '../../src/transport/open.js';
import { runCli } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { startSshd, waitFor, type SshdHandle } from '../helpers/sshd.js';
import { startSshAgent } from '../helpers/ssh-agent.js';

const run = promisify(execFile);

let sshd: SshdHandle;
let demo: DemoHandle;
let fingerprint: string;
let counter = 0;

beforeAll(async () => {
  [sshd, demo] = await Promise.all([startSshd(), freshDemo()]);
  fingerprint = (
    await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', sshd.hostPublicKeyPath])
  ).stdout.split(' ')[1]!;
});

afterAll(async () => {
  await Promise.all([sshd?.stop(), demo?.cleanup()]);
});

/** An ssh config naming the sshd by alias, and a cvd-tui config whose demo target reaches the demo through it. */
function setup(sshConfig: string, knownHosts: string, host = 'cvd-alias') {
  const n = ++counter;
  const sshConfigPath = path.join(sshd.dir, `ssh_config_${n}`);
  writeFileSync(sshConfigPath, sshConfig);
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  Object.assign(config.targets.demo, {
    transport: 'ssh',
    host,
    sshConfigPath,
    knownHostsPath: knownHosts,
  });
  const configPath = path.join(sshd.dir, `cvd-tui-${n}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  return {
    configPath,
    doctor: (extra: string[] = [], env: Record<string, string> = {}) =>
      runCli(['doctor', '--headless', '--config', configPath, ...extra], env),
  };
}

const alias = (name: string, extra = '') =>
  `Host ${name}\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.username}\n${extra}`;
const withKey = (name: string, extra = '') =>
  alias(name, `  IdentityFile ${sshd.privateKeyPath}\n${extra}`);

/** A known_hosts copy the test may change. */
async function knownHostsCopy(hashed = false): Promise<string> {
  const file = path.join(sshd.dir, `known_hosts_${++counter}`);
  await copyFile(sshd.knownHostsPath, file);
  if (hashed) await run('ssh-keygen', ['-H', '-f', file]);
  return file;
}

/** Did sshd let anyone in since `mark`? A refused host key ends before authentication. */
const accepted = (mark: number) => /Accepted publickey/.test(sshd.log().slice(mark));

describe('ssh targets through an ssh config', () => {
  it('reaches a Host alias (HostName, Port, User, IdentityFile) and passes doctor', async () => {
    const { doctor } = setup(withKey('cvd-alias'), await knownHostsCopy());
    const result = await doctor();
    expect(result.stdout).toMatch(
      new RegExp(`^connection +pass +${sshd.username}@127\\.0\\.0\\.1:${sshd.port}$`, 'm'),
    );
    expect(result.stdout).toMatch(/All \d+ checks passed\./);
    expect(result.code).toBe(0);
  });

  it('authenticates through a real ssh-agent when no key file is set', async () => {
    const socket = path.join(sshd.dir, 'agent.sock');
    const agent = await startSshAgent(socket, sshd.privateKeyPath);
    try {
      const { doctor } = setup(alias('cvd-agent'), await knownHostsCopy(), 'cvd-agent');
      const viaAgent = await doctor([], { SSH_AUTH_SOCK: socket });
      expect(viaAgent.stdout).toMatch(/All \d+ checks passed\./);
      expect(viaAgent.code).toBe(0);
      const noAgent = await doctor([], { SSH_AUTH_SOCK: '' });
      expect(noAgent.code).toBe(2);
      expect(noAgent.stdout).toContain('SSH_AUTH_SOCK is not set');
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('verifies against a hashed known_hosts', async () => {
    const file = await knownHostsCopy(true);
    expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/);
    const result = await setup(withKey('cvd-alias'), file).doctor();
    expect(result.code).toBe(0);
  });

  it('connects through one ProxyJump hop', async () => {
    const { configPath } = setup(
      `${withKey('cvd-alias')}Host cvd-jumped\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  ProxyJump cvd-alias\n  IdentityFile ${sshd.privateKeyPath}\n`,
      await knownHostsCopy(),
      'cvd-jumped',
    );
    const transport = await openTransport(loadTarget(configPath).target);
    try {
      expect(transport.description).toMatch(/@127\.0\.0\.1:\d+ via .*@127\.0\.0\.1:\d+$/);
      expect((await transport.exec('echo jumped')).output).toBe('jumped\n');
      // Two sshd sessions: the jump host's, and the target's inside its forwarded channel.
      expect(sshd.sessionPids()).toHaveLength(2);
    } finally {
      await transport.close();
    }
    await waitFor(() => sshd.sessionPids().length === 0, 5000, 'both sessions to end');
  });
});

describe('host keys', () => {
  it('trusts an unknown target behind a known jump host, reading its key through the jump', async () => {
    // known_hosts knows [127.0.0.1]:port (the jump); the target, named localhost, is unknown.
    const file = await knownHostsCopy();
    const { configPath } = setup(
      `${withKey('cvd-alias')}Host cvd-behind\n  HostName localhost\n  Port ${sshd.port}\n  ProxyJump cvd-alias\n  IdentityFile ${sshd.privateKeyPath}\n`,
      file,
      'cvd-behind',
    );
    const target = loadTarget(configPath).target;
    const notices: string[] = [];
    const policy = { actor: 'tester', log: (line: string) => notices.push(line) };
    await expect(openTransport(target, policy)).rejects.toThrow(/not known/);
    const transport = await openTransport(target, { ...policy, fingerprint });
    try {
      expect((await transport.exec('echo behind')).output).toBe('behind\n');
    } finally {
      await transport.close();
    }
    expect(notices).toEqual([
      expect.stringContaining(
        `Trusted the host key ${fingerprint} of ${sshd.username}@localhost:${sshd.port}`,
      ),
    ]);
    expect(readFileSync(file, 'utf8')).toMatch(
      new RegExp(
        `^\\[localhost\\]:${sshd.port} ssh-ed25519 \\S+ cvd-tui: trusted \\S+ by tester \\(--trust-host-key\\)$`,
        'm',
      ),
    );
  });

  it('refuses an unknown host headless, showing its SHA256 fingerprint; a wrong --trust-host-key is refused too', async () => {
    const empty = path.join(sshd.dir, 'known_hosts_empty');
    writeFileSync(empty, '');
    const { doctor } = setup(withKey('cvd-alias'), empty);
    const mark = sshd.log().length;
    const refused = await doctor();
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/^host key +FAIL .*not known/m);
    expect(refused.stdout).toContain(`--trust-host-key ${fingerprint}`);
    const wrong = await doctor(['--trust-host-key', `SHA256:${'A'.repeat(43)}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain(`is ssh-ed25519 ${fingerprint}, not the SHA256:AAAA`);
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect(accepted(mark)).toBe(false);
  });

  it('trusts an unknown host with the matching --trust-host-key, recording it (hashed, as HashKnownHosts asks)', async () => {
    const file = path.join(sshd.dir, 'fresh', 'known_hosts');
    const { doctor } = setup(withKey('cvd-alias', '  HashKnownHosts yes\n'), file);
    const trusted = await doctor(['--trust-host-key', fingerprint]);
    expect(trusted.stderr).toContain(`Trusted the host key ${fingerprint}`);
    expect(trusted.code).toBe(0);
    const line = readFileSync(file, 'utf8');
    expect(line).toMatch(
      /^\|1\|\S+ ssh-ed25519 \S+ cvd-tui: trusted \S+Z by \S+ \(--trust-host-key\)\n$/,
    );
    expect(line).not.toContain('127.0.0.1');
    // OpenSSH itself finds the hashed entry.
    await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file]);
    // Known from now on: no flag needed, nothing appended.
    expect((await doctor()).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(line);
  });

  it('refuses a changed host key, even with --trust-host-key naming the presented key', async () => {
    const other = path.join(sshd.dir, 'impostor_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, base64] = readFileSync(`${other}.pub`, 'utf8').split(/\s+/);
    const file = path.join(sshd.dir, 'known_hosts_changed');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${type} ${base64}\n`);
    const before = readFileSync(file, 'utf8');
    const { doctor } = setup(withKey('cvd-alias'), file);
    const mark = sshd.log().length;
    for (const extra of [[], ['--trust-host-key', fingerprint]]) {
      const result = await doctor(extra);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(result.stdout).toContain('HOST KEY CHANGED');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(accepted(mark)).toBe(false);
  });
});
