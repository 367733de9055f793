/**
 * Over a real OpenSSH sshd: the connection cut in the middle of every
 * mutating step (the sshd session process killed), and a frozen server
 * (SIGSTOP on the session) that only keepalive can detect. cvd-tui must
 * report the outcome unknown without crashing, and resume must recover the
 * real outcome from the journal on the target, never re-running the step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, type CliResult, type RunningCli, headlessDeploy } from '../helpers/cli.js';
import {
  attempts,
  crashHook,
  forceBashEnvOverSsh,
  latestDeploymentId,
  MUTATING,
  shortLogWindow,
  stageEnvChange,
  startReattaching,
  type CrashHook,
  type Hit,
  type Paused,
} from '../helpers/crash.js';
import { freshDemo, sshTargetConfig, type DemoHandle } from '../helpers/demo.js';
import { signal, sshLogin, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';

/** A demo target reached through its own real sshd, whose key's forced command exports the crash hook. */
interface SshTarget {
  sshd: SshdHandle;
  demo: DemoHandle;
  hook: CrashHook;
  /** Session processes the test froze, released and killed at cleanup whatever happens. */
  frozen: number[];
}

async function withSshTarget(work: (t: SshTarget) => Promise<void>): Promise<void> {
  const [sshd, demo] = await Promise.all([startSshd(), freshDemo()]);
  const t: SshTarget = { sshd, demo, hook: crashHook(demo.dir), frozen: [] };
  try {
    sshTargetConfig(demo, sshLogin(sshd));
    shortLogWindow(demo.configPath);
    // sshd passes no environment: the key's forced command exports the crash hook, then runs what was asked.
    forceBashEnvOverSsh(join(sshd.dir, 'authorized_keys'), t.hook.file);
    await work(t);
  } finally {
    for (const pid of t.frozen) {
      signal(pid, 'SIGCONT');
      signal(pid, 'SIGKILL');
    }
    t.hook.cleanup();
    await demo.cleanup();
    await sshd.stop();
  }
}

const deployArgs = ({ demo }: SshTarget) => headlessDeploy('v1.0.1', ...demo.flags);
const resumeArgs = ({ demo }: SshTarget) => ['resume', '--headless', ...demo.flags];
const journalOf = ({ demo }: SshTarget, step: string, attempt = 1) =>
  join(demo.dir, 'deployments', latestDeploymentId(demo.state), 'journal', `${step}-${attempt}`);

/** Waits until cvd-tui reaches the armed point; returns the hit and the sshd session that carries the step. */
async function reach(
  { sshd, hook }: SshTarget,
  cli: RunningCli,
  step: string,
): Promise<{ hit: Hit; session: number }> {
  const hit = await Promise.race([
    hook.waitHit(),
    cli.done.then((r) =>
      Promise.reject(
        new Error(`cvd-tui ended (${r.code}) before ${step}:\n${r.stdout}${r.stderr}`),
      ),
    ),
  ]);
  const session = sshd.sessionPids().find((pid) => sshd.sessionTree(pid).includes(hit.pid));
  expect(session, `the sshd session running ${step}`).toBeDefined();
  return { hit, session: session! };
}

/** cvd-tui said the step's outcome is unknown, paused (exit 1) and did not crash. */
function expectPausedUnknown({ demo }: SshTarget, result: CliResult, step: string, cause: RegExp) {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stdout).toMatch(
    new RegExp(
      `paused at ${step.replace('.', '\\.')}: connection lost: .*outcome unknown until the target can be asked`,
    ),
  );
  expect(result.stdout).toMatch(cause);
  expect(result.stderr).not.toMatch(/uncaught|\n\s+at /i);
  expect(
    attempts(demo.state)
      .filter((a) => a.step_id === step)
      .map((a) => a.status),
  ).toEqual(['running']);
}

const onlyAttempt = ({ demo }: SshTarget, step: string) =>
  attempts(demo.state)
    .filter((a) => a.step_id === step)
    .map((a) => [a.attempt, a.status]);

// Two deployments, each on its own target and sshd, run side by side: the frozen one mostly waits for keepalive.
describe.concurrent('SSH faults during a deployment', () => {
  it(
    'the connection cut in the middle of every mutating step: outcome recovered from the journal, no step re-run',
    () =>
      withSshTarget(async (t) => {
        stageEnvChange(t.demo.dir);
        const table: string[] = [];
        let cli: RunningCli | undefined;
        let paused: Paused | undefined;
        for (const [i, step] of [...MUTATING].entries()) {
          t.hook.arm(step, 'mid');
          // A step still running on the target when the connection died: resume must reattach and follow it to its end.
          cli = await startReattaching(cli ? resumeArgs(t) : deployArgs(t), {}, paused);
          const { hit, session } = await reach(t, cli, step);
          paused = undefined;
          signal(session, 'SIGKILL');
          expectPausedUnknown(t, await cli.done, step, /connection lost/);
          if (i % 2 === 0) {
            // It finishes while nobody is connected: resume must read its exit status from the journal.
            hit.release();
            await waitFor(() => existsSync(join(journalOf(t, step), 'rc')), 60_000);
            table.push(
              `${step} connection cut mid-step; finished while disconnected -> resume settles it from the journal's rc`,
            );
          } else {
            paused = { out: join(journalOf(t, step), 'out'), release: hit.release };
            table.push(
              `${step} connection cut mid-step; still running at resume -> resume reattaches, follows it to its end`,
            );
          }
        }
        t.hook.disarm();
        const last = await (await startReattaching(resumeArgs(t), {}, paused)).done;
        expect(last.code, last.stdout + last.stderr).toBe(0);

        for (const step of MUTATING) {
          expect(onlyAttempt(t, step), step).toEqual([[1, 'succeeded']]);
          expect(readFileSync(join(journalOf(t, step), 'rc'), 'utf8').trim(), step).toBe('0');
        }
        expect(
          t.demo.sql("SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'firmware'"),
        ).toBe('1');
        expect(JSON.parse((await t.demo.appGet('/health')).body).version).toBe('v1.0.1');
        console.log(table.join('\n'));
      }),
    180_000,
  );

  it(
    'a frozen server (SIGSTOP on the session) mid-step is detected by keepalive without crashing; resume recovers the step',
    () =>
      withSshTarget(async (t) => {
        t.hook.arm('2.3', 'mid');
        const cli = startCli(deployArgs(t));
        const { hit, session } = await reach(t, cli, '2.3');
        t.frozen.push(session);
        signal(session, 'SIGSTOP');
        const started = Date.now();
        expectPausedUnknown(t, await cli.done, '2.3', /keepalive timeout/i);
        console.log(
          `2.3 server frozen (SIGSTOP): keepalive timeout after ${Math.round((Date.now() - started) / 1000)} s, exit 1, no crash`,
        );

        signal(session, 'SIGCONT');
        signal(session, 'SIGKILL');
        t.hook.disarm();
        // Still paused on the target: resume reattaches to the migration and follows it to its end.
        const out = join(journalOf(t, '2.3'), 'out');
        const resumed = await (
          await startReattaching(resumeArgs(t), {}, { out, release: hit.release })
        ).done;
        expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
        expect(onlyAttempt(t, '2.3')).toEqual([[1, 'succeeded']]);
        expect(
          t.demo.sql("SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'firmware'"),
        ).toBe('1');
      }),
    120_000,
  );
});
