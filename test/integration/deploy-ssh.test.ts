import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, sshTargetConfig, type DemoHandle } from '../helpers/demo.js';
import { sshLogin, startSshd, type SshdHandle } from '../helpers/sshd.js';

let sshd: SshdHandle;
let demo: DemoHandle;

beforeAll(async () => {
  [sshd, demo] = await Promise.all([startSshd(), freshDemo()]);
});
afterAll(async () => {
  await demo?.cleanup();
  await sshd?.stop();
});

const target = () => sshLogin(sshd);

describe('headless deploy over a real OpenSSH sshd', () => {
  it('refuses a changed host key with exit 2 and its fingerprint, running nothing', async () => {
    const otherKey = join(sshd.dir, 'impostor_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const impostorHosts = join(sshd.dir, 'impostor_known_hosts');
    const [type, key] = execFileSync('cat', [`${otherKey}.pub`], { encoding: 'utf8' }).split(' ');
    writeFileSync(impostorHosts, `[${sshd.host}]:${sshd.port} ${type} ${key}\n`);
    sshTargetConfig(demo, { ...target(), knownHostsPath: impostorHosts });
    const served = execFileSync('ssh-keygen', ['-lf', sshd.hostPublicKeyPath], {
      encoding: 'utf8',
    }).split(' ')[1]!;

    const result = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HOST KEY CHANGED');
    expect(result.stderr).toContain(served);
    expect(readdirSync(join(demo.dir, 'deployments'))).toEqual([]);
    expect(sshd.log()).not.toMatch(/Accepted publickey/);
  });

  it('deploys v1.0.1 over one SSH connection and the app serves it', async () => {
    sshTargetConfig(demo, target());
    const result = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^5\.3 .* succeeded /m);
    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.1');
    // One connection for the whole deployment: sshd accepted exactly one login.
    expect(sshd.log().match(/Accepted publickey/g)).toHaveLength(1);
  });
});
