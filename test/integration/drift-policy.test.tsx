/**
 * One drift policy for both front ends: a resume re-checks the target before
 * it settles anything, and a target someone changed stops it, headless and
 * in the TUI alike. (The TUI used to settle the interrupted step anyway.)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { crashHook } from '../helpers/crash.js';
import { demoHarness, type TuiHarness } from '../tui/harness.js';

describe('drift on resume: the same policy headless and in the TUI', () => {
  let h: TuiHarness;
  let flags: string[];
  let id: string;
  const cvdctl = (verb: string) => execFileSync(join(h.demo.dir, 'bin', 'cvdctl'), [verb]);
  const attemptsOf = (step: string) =>
    h.store
      .attempts(id)
      .filter((a) => a.stepId === step)
      .map((a) => a.status);
  const driftEvents = () => h.store.events(id).filter((e) => e.type === 'drift');

  beforeAll(async () => {
    h = await demoHarness();
    flags = ['--config', h.demo.configPath, '--state', join(h.dir, 'state.db')];
    // A headless deploy killed as 2.4 is marked running, before its command starts.
    const hook = crashHook(h.demo.dir);
    try {
      hook.arm('2.4', 'start');
      const cli = startCli(
        ['deploy', '--version', 'v1.0.1', '--headless', '--confirm-all', ...flags],
        hook.env,
      );
      await hook.waitHit();
      process.kill(cli.pid, 'SIGKILL');
      await cli.done;
    } finally {
      hook.cleanup(); // kills the blocked 2.4 too
    }
    id = h.store.latest('demo')!.id;
    expect(attemptsOf('2.4')).toEqual(['running']);
    // While it is paused after 2.1 stopped the service, someone starts it again.
    cvdctl('start');
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it('headless resume lists the drift and stops: 2.4 is left running, unsettled', async () => {
    const result = await runCli(['resume', '--headless', ...flags]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain('drift: service cvd is active, expected stopped');
    expect(result.stdout).toContain('nothing was run');
    expect(attemptsOf('2.4')).toEqual(['running']);
    expect(driftEvents().map((e) => e.detail)).toEqual(['service cvd is active, expected stopped']);
  });

  it('the TUI resume stops on the same drift before settling: 2.4 is left running too', async () => {
    const ui = await h.open({ command: 'resume' });
    await ui.screen.waitFor('Nothing was settled or run');
    await ui.screen.waitFor('drift: service cvd is active, expected stopped');
    await h.close(ui);
    expect(attemptsOf('2.4')).toEqual(['running']);
    expect(driftEvents().map((e) => e.detail)).toEqual([
      'service cvd is active, expected stopped',
      'service cvd is active, expected stopped',
    ]);
  });

  it('the target put back, the TUI resume settles 2.4 from its journal (it never started)', async () => {
    cvdctl('stop');
    const ui = await h.open({ command: 'resume' });
    await ui.screen.waitFor('Settled: 2.4 failed');
    await h.close(ui);
    expect(attemptsOf('2.4')).toEqual(['failed']);
    expect(driftEvents()).toHaveLength(2);
  });
});
