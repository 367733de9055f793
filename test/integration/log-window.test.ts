import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { waitFor } from '../helpers/wait.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

const stepSucceeded = (state: string, stepId: string) => {
  try {
    const db = new Database(state, { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT 1 FROM attempts WHERE step_id = ? AND status = 'succeeded'")
      .get(stepId);
    db.close();
    return Boolean(row);
  } catch {
    return false;
  }
};

describe('4.1 log window', () => {
  it('counts errors logged while the later steps run, and 5.3 fails on them', async () => {
    demo = await freshDemo();
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    config.targets.demo.logWindowSeconds = 6;
    writeFileSync(demo.configPath, JSON.stringify(config));
    const deploy = startCli([
      'deploy',
      '--version',
      'v1.0.1',
      '--headless',
      '--confirm-all',
      ...demo.flags,
    ]);
    await waitFor(() => stepSucceeded(demo!.state, '4.1'));
    // An error burst after 4.1's own look at the log: only the window can see it. Lines keep
    // coming until the window has counted one (its watcher starts a moment after 4.1 ends).
    const deploymentDir = () =>
      readdirSync(join(demo!.dir, 'deployments')).find((d) => !d.startsWith('.'))!;
    await waitFor(
      () => {
        appendFileSync(join(demo!.dir, 'logs', 'error.log'), 'ERROR database connection reset\n');
        try {
          return (
            Number(
              readFileSync(
                join(demo!.dir, 'deployments', deploymentDir(), 'log-window', 'count'),
                'utf8',
              ),
            ) > 0
          );
        } catch {
          return false;
        }
      },
      5_000,
      100,
    );
    const { code, stdout } = await deploy.done;
    expect(code).toBe(1);
    expect(stdout).toMatch(/^4\.2 .* succeeded/m);
    expect(stdout).toMatch(/^5\.3 .* failed .*\d+ error lines were logged during the log window/m);
  });
});
