/**
 * cvd-tui killed with SIGKILL at every step of the runbook, right after the
 * step is marked running and in the middle of its command; `resume` must
 * settle what was interrupted from the remote journal, never run 2.3 twice,
 * and end with the target exactly as an uninterrupted deployment leaves it.
 *
 * Economy: one deployment per chain. Each resume is itself killed at the next
 * step's crash point, so a chain of 17 crash points costs one deployment plus
 * 17 process starts; the last resume completes the deployment.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli, headlessDeploy } from '../helpers/cli.js';
import {
  appDataDigest,
  attempts,
  crashHook,
  journalRuns,
  latestDeploymentId,
  MUTATING,
  RUNBOOK_STEPS,
  shortLogWindow,
  stageEnvChange,
  startReattaching,
  type CrashHook,
  type CrashMode,
  type Paused,
} from '../helpers/crash.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { signal } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Runs `work` on a fresh demo target with a crash hook, then removes both.
 * Every test has its own target, so the tests run concurrently: most of a
 * crash test is waiting for processes.
 */
async function withDemo(work: (demo: DemoHandle, hook: CrashHook) => Promise<void>): Promise<void> {
  const demo = await freshDemo();
  const hook = crashHook(demo.dir);
  try {
    shortLogWindow(demo.configPath);
    await work(demo, hook);
  } finally {
    hook.cleanup();
    await demo.cleanup();
  }
}

const deployArgs = (d: DemoHandle, version = 'v1.0.1') => headlessDeploy(version, ...d.flags);
const resumeArgs = (d: DemoHandle) => ['resume', '--headless', ...d.flags];
const head = (d: DemoHandle) =>
  execFileSync('git', ['-C', join(d.dir, 'app'), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const migrationColumns = (d: DemoHandle) =>
  d.sql("SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'firmware'");

/**
 * An uninterrupted deployment of v1.0.1 (with a staged .env change): what it
 * leaves behind is what every interrupted one must leave. Its target is then
 * reused by the test of a deployment left open after its last step.
 */
let reference: Promise<{ demo: DemoHandle; head: string; digest: string }>;

beforeAll(() => {
  reference = (async () => {
    const demo = await freshDemo();
    shortLogWindow(demo.configPath);
    stageEnvChange(demo.dir);
    const result = await runCli(deployArgs(demo));
    if (result.code !== 0)
      throw new Error(`the reference deployment failed:\n${result.stdout}${result.stderr}`);
    return { demo, head: head(demo), digest: appDataDigest(join(demo.dir, 'data', 'cvd.db')) };
  })();
  reference.catch(() => undefined); // awaited (and reported) by the tests
});
afterAll(async () => {
  await (await reference.catch(() => undefined))?.demo.cleanup();
});

/** SIGKILLs cvd-tui once the armed crash point is reached, and checks the step was marked running first. */
async function killAtCrashPoint(demo: DemoHandle, hook: CrashHook, cli: RunningCli, step: string) {
  const hit = await Promise.race([
    hook.waitHit(),
    cli.done.then((r) =>
      Promise.reject(
        new Error(
          `cvd-tui ended (${r.code}) before ${step}'s crash point:\n${r.stdout}${r.stderr}`,
        ),
      ),
    ),
  ]);
  const running = attempts(demo.state)
    .filter((a) => a.step_id === step)
    .pop();
  expect(running?.status, `${step} is marked running before its command runs`).toBe('running');
  process.kill(cli.pid, 'SIGKILL');
  expect((await cli.done).signal).toBe('SIGKILL');
  return hit;
}

interface CrashRow {
  step: string;
  mode: CrashMode;
  outcome: string;
}

/**
 * Kills cvd-tui at `mode` of every step in turn. A paused mutating step is
 * left running on the target, and released only once the next resume has
 * reattached to it (so resume must follow it to its end).
 */
async function crashChain(demo: DemoHandle, hook: CrashHook, mode: CrashMode): Promise<void> {
  let cli: RunningCli | undefined;
  let paused: Paused | undefined;
  for (const step of RUNBOOK_STEPS) {
    hook.arm(step, mode);
    cli = await startReattaching(cli ? resumeArgs(demo) : deployArgs(demo), hook.env, paused);
    const hit = await killAtCrashPoint(demo, hook, cli, step);
    paused = undefined;
    if (mode === 'mid' && MUTATING.has(step)) {
      const attempt = attempts(demo.state)
        .filter((a) => a.step_id === step)
        .pop()!.attempt;
      paused = {
        release: hit.release,
        out: join(
          demo.dir,
          'deployments',
          latestDeploymentId(demo.state),
          'journal',
          `${step}-${attempt}`,
          'out',
        ),
      };
    } else signal(hit.pid, 'SIGKILL'); // blocked before it ran, or a read-only step: it dies with its caller
  }
  hook.disarm();
  const last = await (await startReattaching(resumeArgs(demo), {}, paused)).done;
  expect(last.code, last.stdout + last.stderr).toBe(0);
}

/** The deployment is complete and the target is exactly what an uninterrupted one leaves. */
async function expectCompleteAndIdentical(
  demo: DemoHandle,
  stagedEnv: string,
  originalEnv: string,
) {
  const id = latestDeploymentId(demo.state);
  const rows = attempts(demo.state);
  for (const step of RUNBOOK_STEPS)
    expect(rows.filter((a) => a.step_id === step).pop()?.status, step).toBe('succeeded');
  // Every mutating step ran exactly once on the target: one journal run with an exit status.
  const runs = journalRuns(join(demo.dir, 'deployments'), id);
  for (const step of MUTATING)
    expect(
      [...runs].filter(([name, rc]) => name.startsWith(`${step}-`) && rc !== undefined),
      step,
    ).toEqual([[expect.any(String), '0']]);
  expect(migrationColumns(demo)).toBe('1');
  const { head: referenceHead, digest } = await reference;
  expect(head(demo)).toBe(referenceHead);
  expect(appDataDigest(join(demo.dir, 'data', 'cvd.db'))).toBe(digest);
  expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.1');
  expect(readFileSync(join(demo.dir, 'config', '.env'), 'utf8')).toBe(stagedEnv);
  // A re-run of 2.4 must not have overwritten the backup of the original .env with the new one.
  expect(readFileSync(join(demo.dir, 'config', `.env.backup_${id}`), 'utf8')).toBe(originalEnv);
  const backups = readdirSync(join(demo.dir, 'backups')).filter((f) => f.includes(id));
  expect(backups.sort()).toEqual([`app_backup_${id}.tar.gz`, `pre_deploy_${id}.db`]);
  const log = readFileSync(join(demo.dir, 'logs', 'deployments.log'), 'utf8');
  expect(log.split('\n').filter((l) => l.includes(id))).toHaveLength(1);
  expect(existsSync(join(demo.dir, 'deployments', '.lock'))).toBe(false);
}

/** One line per crash point: how the killed attempt was settled, and what ran after it. */
function outcomes(demo: DemoHandle, mode: CrashMode): CrashRow[] {
  const rows = attempts(demo.state);
  return RUNBOOK_STEPS.map((step) => {
    const [first, ...rest] = rows.filter((a) => a.step_id === step);
    const settled = `attempt 1 ${first!.status}${first!.status === 'failed' ? ` (${first!.summary})` : ''}`;
    return {
      step,
      mode,
      outcome: rest.length
        ? `${settled}; attempt ${rest.map((r) => `${r.attempt} ${r.status}`).join(', ')}`
        : settled,
    };
  });
}

describe.concurrent('SIGKILL at every step, then resume', () => {
  it.each(['start', 'mid'] as const)(
    'killed at %s of each step 1.1–5.3: resume completes, nothing unsafe ran twice, target identical',
    (mode) =>
      withDemo(async (demo, hook) => {
        const originalEnv = readFileSync(join(demo.dir, 'config', '.env'), 'utf8');
        const staged = stageEnvChange(demo.dir);
        await crashChain(demo, hook, mode);
        await expectCompleteAndIdentical(demo, staged, originalEnv);

        const table = outcomes(demo, mode);
        for (const row of table) {
          if (mode === 'start' && MUTATING.has(row.step))
            expect(row.outcome, row.step).toMatch(
              /^attempt 1 failed \(never started.*\); attempt 2 succeeded$/,
            );
          else if (MUTATING.has(row.step))
            expect(row.outcome, row.step).toBe('attempt 1 succeeded');
          else
            expect(row.outcome, row.step).toMatch(
              /^attempt 1 failed \(stopped by an interruption before it finished.*\); attempt 2 succeeded$/,
            );
        }
        console.log(
          table.map((r) => `${r.step.padEnd(4)} ${r.mode.padEnd(6)} ${r.outcome}`).join('\n'),
        );
      }),
    180_000,
  );
});

describe.concurrent('2.3, the step that must never run twice', () => {
  it(
    'dies on the target without an exit status: headless resume refuses to re-run it; rollback restores the database',
    () =>
      withDemo(async (demo, hook) => {
        const before = {
          digest: demo.dbDigest(),
          head: head(demo),
          env: readFileSync(join(demo.dir, 'config', '.env'), 'utf8'),
        };
        hook.arm('2.3', 'mid');
        const cli = startCli(deployArgs(demo), hook.env);
        await killAtCrashPoint(demo, hook, cli, '2.3');
        // The migration is committed; now the step's whole process group dies before it records a status.
        const journal = join(
          demo.dir,
          'deployments',
          latestDeploymentId(demo.state),
          'journal',
          '2.3-1',
        );
        process.kill(-Number(readFileSync(join(journal, 'pid'), 'utf8').trim()), 'SIGKILL');
        hook.disarm();

        const resume = await runCli(resumeArgs(demo));
        expect(resume.code, resume.stdout + resume.stderr).toBe(1);
        expect(resume.stdout).toMatch(/2\.3 may have partly run and is not safe to re-run/);
        expect(attempts(demo.state).filter((a) => a.step_id === '2.3')).toEqual([
          expect.objectContaining({ attempt: 1, status: 'failed', outcome_unknown: 1 }),
        ]);
        expect(migrationColumns(demo)).toBe('1');

        const rollback = await runCli(['rollback', '--headless', ...demo.flags]);
        expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
        expect(rollback.stdout).toMatch(/^R\.3 .* succeeded .*database restored/m);
        expect(demo.dbDigest()).toBe(before.digest);
        expect(head(demo)).toBe(before.head);
        expect(readFileSync(join(demo.dir, 'config', '.env'), 'utf8')).toBe(before.env);
      }),
    120_000,
  );

  it(
    'launcher killed right after starting it, before following it: resume reattaches to it, never re-runs it',
    () =>
      withDemo(async (demo, hook) => {
        hook.arm('2.3', 'launched');
        const cli = startCli(deployArgs(demo), hook.env);
        const hit = await killAtCrashPoint(demo, hook, cli, '2.3');
        signal(hit.pid, 'SIGKILL');
        hook.disarm();
        // The detached step has applied the migration and waits, still running, for the release.
        const out = join(
          demo.dir,
          'deployments',
          latestDeploymentId(demo.state),
          'journal',
          '2.3-1',
          'out',
        );
        await waitFor(
          () => readFileSync(out, 'utf8').includes('Running migration for version v1.0.1'),
          60_000,
        );

        const result = await (
          await startReattaching(resumeArgs(demo), {}, { out, release: hit.release })
        ).done;
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(attempts(demo.state).filter((a) => a.step_id === '2.3')).toEqual([
          expect.objectContaining({ attempt: 1, status: 'succeeded' }),
        ]);
        expect(migrationColumns(demo)).toBe('1');
      }),
    120_000,
  );

  it(
    '2.3 past its step timeout: the journal says it still runs, so the outcome stays unknown (exit 1); resume follows it, never re-runs it',
    () =>
      withDemo(async (demo, hook) => {
        const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
        const setStepTimeout = (seconds: number | undefined) => {
          config.targets.demo.timeouts = { ...config.targets.demo.timeouts, stepSeconds: seconds };
          writeFileSync(demo.configPath, JSON.stringify(config, null, 2));
        };
        // Stopped before 2.3 starts, so that only 2.3 runs under the short timeout.
        hook.arm('2.3', 'start');
        const first = startCli(deployArgs(demo), hook.env);
        signal((await killAtCrashPoint(demo, hook, first, '2.3')).pid, 'SIGKILL');
        setStepTimeout(3);
        hook.arm('2.3', 'mid');
        const cli = startCli(resumeArgs(demo), hook.env);
        const hit = await hook.waitHit(60_000);
        const result = await cli.done;
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stdout).toMatch(
          /paused at 2\.3: timed out after 3 s; outcome unknown until the target can be asked/,
        );
        expect(
          attempts(demo.state)
            .filter((a) => a.step_id === '2.3')
            .map((a) => a.status),
        ).toEqual(['failed', 'running']);
        hook.disarm();
        setStepTimeout(undefined);

        const out = join(
          demo.dir,
          'deployments',
          latestDeploymentId(demo.state),
          'journal',
          '2.3-2',
          'out',
        );
        const resumed = await (
          await startReattaching(resumeArgs(demo), {}, { out, release: hit.release })
        ).done;
        expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
        expect(
          attempts(demo.state)
            .filter((a) => a.step_id === '2.3')
            .map((a) => [a.attempt, a.status]),
        ).toEqual([
          [1, 'failed'],
          [2, 'succeeded'],
        ]);
        expect(migrationColumns(demo)).toBe('1');
      }),
    120_000,
  );

  it(
    'resume re-checks the target first: lists drift (service, checked-out commit, a missing backup), runs nothing; resumes once the target is put back',
    () =>
      withDemo(async (demo, hook) => {
        hook.arm('2.4', 'start');
        const cli = startCli(deployArgs(demo), hook.env);
        signal((await killAtCrashPoint(demo, hook, cli, '2.4')).pid, 'SIGKILL');
        hook.disarm();
        // While paused after 2.1 (stopped) and 2.2 (v1.0.1 checked out), someone changes the target.
        const cvdctl = join(demo.dir, 'bin', 'cvdctl');
        const id = latestDeploymentId(demo.state);
        const backup = join(demo.dir, 'backups', `pre_deploy_${id}.db`);
        execFileSync(cvdctl, ['start']);
        execFileSync('git', ['-C', join(demo.dir, 'app'), 'checkout', '-q', 'v1.0.0']);
        renameSync(backup, `${backup}.aside`);

        const refused = await runCli(resumeArgs(demo));
        expect(refused.code, refused.stdout + refused.stderr).toBe(1);
        expect(refused.stdout).toMatch(/drift: service cvd is active, expected stopped/);
        expect(refused.stdout).toMatch(/drift: checked-out commit is \w+, expected \w+/);
        expect(refused.stdout).toContain(`drift: backup ${backup} (dbBackup) is missing`);
        expect(refused.stdout).not.toMatch(/^2\.4 /m);
        expect(
          attempts(demo.state)
            .filter((a) => a.step_id === '2.4')
            .map((a) => a.status),
        ).toEqual(['running']);

        execFileSync(cvdctl, ['stop']);
        execFileSync('git', ['-C', join(demo.dir, 'app'), 'checkout', '-q', 'v1.0.1']);
        renameSync(`${backup}.aside`, backup);
        const resumed = await runCli(resumeArgs(demo));
        expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
        expect(resumed.stdout).not.toContain('drift:');
      }),
    120_000,
  );

  it('all steps done but the deployment still open (killed between the last record and its end): resume just finishes it', async () => {
    const { demo } = await reference;
    // No kill from outside can land between two synchronous writes: the state they leave is made by hand.
    const id = latestDeploymentId(demo.state);
    execFileSync('sqlite3', [
      demo.state,
      `UPDATE deployments SET status = 'in_progress', finished_at = NULL WHERE id = '${id}'`,
    ]);
    mkdirSync(join(demo.dir, 'deployments', '.lock'));
    writeFileSync(
      join(demo.dir, 'deployments', '.lock', 'owner'),
      `deploymentId=${id}\noperator=x\njumpHost=x\npid=1\nsince=x\n`,
    );

    const resumed = await runCli(resumeArgs(demo));
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Deployment ${id}: succeeded`);
    expect(existsSync(join(demo.dir, 'deployments', '.lock'))).toBe(false);
  }, 120_000);
});
