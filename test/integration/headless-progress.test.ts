import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { waitFor } from '../helpers/wait.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

describe('headless progress', () => {
  it('a step blocked by a hung `cvdctl status` says it is still running every 10 s', async () => {
    demo = await freshDemo();
    // The service manager hangs on `status` until the test lets it go (never a stray sleep left behind).
    const release = join(demo.dir, 'release-status');
    const hung = join(demo.dir, 'bin', 'cvdctl-hung');
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    const real = config.targets.demo.serviceCtl as string;
    writeFileSync(
      hung,
      [
        '#!/bin/bash',
        `if [ "$1" = status ]; then until [ -e '${release}' ]; do sleep 0.1; done; fi`,
        `exec '${real}' "$@"`,
      ].join('\n'),
    );
    chmodSync(hung, 0o755);
    config.targets.demo.serviceCtl = hung;
    writeFileSync(demo.configPath, JSON.stringify(config));
    let seen = '';
    const deploy = startCli(
      headlessDeploy('v1.0.1', ...demo.flags),
      {},
      (stdout) => (seen = stdout),
    );
    await waitFor(() => /^1\.1 {2}still running \(10 s\)$/m.test(seen), 60_000, 100);
    writeFileSync(release, '');
    const { code, stdout } = await deploy.done;
    expect(code).toBe(0);
    // The progress line comes before the step's own line, which then says how it ended.
    expect(stdout.indexOf('1.1  still running (10 s)')).toBeLessThan(
      stdout.search(/^1\.1 +Environment Verification +succeeded/m),
    );
  });
});
