import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

describe('an error before any deployment exists', () => {
  it('never claims that state is saved or that resume continues', async () => {
    demo = await freshDemo();
    // The journal and lock directory cannot be made: its parent is a file.
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    config.targets.demo.paths.deployments = join(demo.dir, 'app', 'server.mjs', 'deployments');
    writeFileSync(demo.configPath, JSON.stringify(config));
    const { code, stderr } = await runCli([
      'deploy',
      '--version',
      'v1.0.1',
      '--headless',
      '--confirm-all',
      ...demo.flags,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not take the deploy lock/);
    expect(stderr).toMatch(/No deployment was started/);
    expect(stderr).not.toMatch(/State is saved|resume/);
  });
});
