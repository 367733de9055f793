/**
 * The state database lost mid-deploy: the run stops at its next transition
 * (exit 1, saying to recover), `recover` rebuilds the deployment from the
 * target's journal into a new state database, and `rollback` then restores
 * the app. Also: recover refuses what it cannot or need not rebuild.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKED, runCli, startCli, headlessDeploy } from '../helpers/cli.js';
import { crashHook, shortLogWindow, type CrashHook } from '../helpers/crash.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle;
let hook: CrashHook;

beforeAll(async () => {
  demo = await freshDemo();
  shortLogWindow(demo.configPath);
  hook = crashHook(demo.dir);
});
afterAll(async () => {
  hook?.cleanup();
  await demo?.cleanup();
});

const head = () =>
  execFileSync('git', ['-C', join(demo.dir, 'app'), 'rev-parse', 'HEAD'], {
    encoding: 'utf8',
  }).trim();

describe('a lost state database', () => {
  it('stops the run (exit 1, recover), and recover rebuilds the deployment so rollback restores the app', async () => {
    const jump = join(demo.dir, 'jump-host');
    mkdirSync(jump);
    const flags = ['--config', demo.configPath, '--state', join(jump, 'state.db')];
    const before = { head: head(), database: demo.dbDigest() };

    // Paused in 2.2, after 2.1 stopped the app: the worst moment to lose the record.
    hook.arm('2.2', 'mid');
    const run = startCli(headlessDeploy('v1.0.1', ...flags), hook.env);
    const hit = await hook.waitHit();
    rmSync(jump, { recursive: true, force: true });
    hit.release();
    const stopped = await run.done;
    hook.disarm();
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(1);
    expect(stopped.stderr).toContain(`the state database ${join(jump, 'state.db')} was deleted`);
    expect(stopped.stderr).toContain(`${INVOKED} recover`);
    expect(stopped.stderr).not.toContain('State is saved');
    expect(stopped.stdout).not.toMatch(/^2\.3 /m); // nothing ran after the loss was noticed

    // Another jump host (or this one, its disk replaced): an empty state database.
    const recovered = await runCli(['recover', ...flags]);
    expect(recovered.code, recovered.stdout + recovered.stderr).toBe(0);
    expect(recovered.stdout).toMatch(/^Recovered deployment \S+ of demo .*v1\.0\.0 -> v1\.0\.1/m);
    for (const step of ['1.2', '1.3', '2.1', '2.2'])
      expect(recovered.stdout).toMatch(
        new RegExp(`^${step.replace('.', '\\.')} .* succeeded `, 'm'),
      );
    expect(recovered.stdout).toMatch(/facts: .*previousCommit/);
    expect(recovered.stdout).toMatch(/facts: .*dbBackup/);

    const again = await runCli(['recover', ...flags]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is already in');

    const rolled = await runCli(['rollback', '--headless', ...flags]);
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(/^R\.7 .* succeeded /m);
    expect({ head: head(), database: demo.dbDigest() }).toEqual(before);
    expect((await demo.appGet('/health')).status).toBe(200);
    expect(existsSync(join(demo.dir, 'deployments', '.lock'))).toBe(false);

    const none = await runCli(['recover', ...flags]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no unfinished deployment on the target');
  });
});
