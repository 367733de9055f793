import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

describe('an error before any deployment exists', () => {
  it('never claims that state is saved or that resume continues', async () => {
    demo = await freshDemo();
    // Nothing answers on the target's port: the run ends before any deployment is recorded.
    const key = join(demo.dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    Object.assign(config.targets.demo, {
      transport: 'ssh',
      host: '127.0.0.1',
      port: 1,
      username: 'nobody',
      privateKeyPath: key,
      sshConfigPath: '',
    });
    writeFileSync(demo.configPath, JSON.stringify(config));
    const { code, stderr } = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/ECONNREFUSED/);
    expect(stderr).toMatch(/No deployment was started/);
    expect(stderr).not.toMatch(/State is saved|resume/);
  });
});
