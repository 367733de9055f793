/**
 * SIGINT, SIGTERM and SIGHUP to cvd-tui during a step: exit 130 with the
 * state saved, the step left running on the target, and a clean resume.
 * One deployment: each resume is itself signalled at the next step, the
 * last one completes it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attempts,
  crashHook,
  latestDeploymentId,
  shortLogWindow,
  startReattaching,
  type CrashHook,
  type Paused,
} from '../helpers/crash.js';
import { headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { signal } from '../helpers/sshd.js';

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

/** Which signal arrives in which step: 2.2 finishes while cvd-tui is gone, 2.3 is still running at resume, 3.2 is read-only. */
const PLAN = [
  { signal: 'SIGINT', step: '2.2' },
  { signal: 'SIGTERM', step: '2.3' },
  { signal: 'SIGHUP', step: '3.2' },
] as const;

describe('signals during a step', () => {
  it('SIGINT, SIGTERM and SIGHUP each exit 130 with the state saved; resume settles the step and completes', async () => {
    let first = true;
    let paused: Paused | undefined;
    for (const { signal: sig, step } of PLAN) {
      hook.arm(step, 'mid');
      const args = first
        ? headlessDeploy('v1.0.1', ...demo.flags)
        : ['resume', '--headless', ...demo.flags];
      first = false;
      const cli = await startReattaching(args, hook.env, paused);
      paused = undefined;
      const hit = await hook.waitHit();
      process.kill(cli.pid, sig);
      const result = await cli.done;
      expect(result.code, `${sig}: ${result.stdout}${result.stderr}`).toBe(130);
      expect(result.stderr).toContain(`Interrupted (${sig}): state saved`);
      expect(
        attempts(demo.state)
          .filter((a) => a.step_id === step)
          .pop()?.status,
      ).toBe('running');
      if (step === '2.2') hit.release();
      else if (step === '2.3')
        paused = {
          out: join(
            demo.dir,
            'deployments',
            latestDeploymentId(demo.state),
            'journal',
            '2.3-1',
            'out',
          ),
          release: hit.release,
        };
      else signal(hit.pid, 'SIGKILL');
    }
    hook.disarm();
    const last = await (
      await startReattaching(['resume', '--headless', ...demo.flags], {}, paused)
    ).done;
    expect(last.code, last.stdout + last.stderr).toBe(0);

    const rows = attempts(demo.state);
    const of = (step: string) => rows.filter((a) => a.step_id === step).map((a) => a.status);
    expect(of('2.2')).toEqual(['succeeded']);
    expect(of('2.3')).toEqual(['succeeded']);
    expect(of('3.2')).toEqual(['failed', 'succeeded']);
    expect(
      demo.sql("SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'firmware'"),
    ).toBe('1');
    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.1');
  }, 90_000);
});
