/**
 * A fleet of three demo targets (web1 and web2 local, web3 over a loopback
 * sshd) deployed as one group: canary web1, then web2 and web3 in one batch.
 * The cases share the three targets and run in order, each starting from
 * what the one before left (every rollout ends succeeded or rolled back).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessDeploy, runCli, startCli } from '../helpers/cli.js';
import { crashHook, journalRuns, MUTATING, type CrashHook } from '../helpers/crash.js';
import { freshFleet, type FleetHandle } from '../helpers/fleet.js';
import { signal, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';

let sshd: SshdHandle;
let fleet: FleetHandle;
let hook: CrashHook;

beforeAll(async () => {
  sshd = await startSshd();
  fleet = await freshFleet(3, { sshd, overSsh: [2] });
  hook = crashHook(fleet.demos[0]!.dir);
}, 120_000);
afterAll(async () => {
  hook?.cleanup();
  await fleet?.cleanup();
  await sshd?.stop();
});

const head = (i: number) =>
  execFileSync('git', ['-C', join(fleet.demos[i]!.dir, 'app'), 'rev-parse', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
const version = async (i: number) =>
  JSON.parse((await fleet.demos[i]!.appGet('/health')).body).version as string;
const exportJson = async (...id: string[]) =>
  JSON.parse((await runCli(['export', ...id, '--format', 'json', ...fleet.flags])).stdout);

interface Attempt {
  target: string;
  step_id: string;
  status: string;
  started_at: number;
  finished_at: number | null;
}
/** Every attempt of the latest fleet's hosts, oldest first. */
function fleetAttempts(): Attempt[] {
  const db = new Database(fleet.state, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT d.target, a.step_id, a.status, a.started_at, a.finished_at FROM attempts a
         JOIN deployments d ON d.id = a.deployment_id
         JOIN fleet_hosts h ON h.host_deployment_id = d.id
         WHERE h.fleet_id = (SELECT id FROM fleets ORDER BY started_at DESC LIMIT 1)
         ORDER BY a.started_at, a.rowid`,
      )
      .all() as Attempt[];
  } finally {
    db.close();
  }
}
const stepOf = (rows: Attempt[], host: string, step: string) =>
  rows.find((a) => a.target === host && a.step_id === step)!;

/** Each host's app DB digest and git HEAD before v1.0.1 went out (the v1.0.1 case records them). */
let beforeV101: { digest: string; head: string }[] = [];

describe('a fleet of three demo targets, one over ssh', () => {
  it('refuses a version that is not a tag on every host before anything runs (exit 2)', async () => {
    for (const i of [0, 1])
      execFileSync('git', ['-C', join(fleet.demos[i]!.dir, 'app'), 'tag', 'v1.0.3', 'v1.0.1']);
    const result = await runCli(headlessDeploy('v1.0.3', ...fleet.flags));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/web3: version v1\.0\.3 is not a tag/);
    expect(result.stderr).not.toMatch(/web[12]:/);
    expect(result.stdout).not.toMatch(/ 1\.1 /);
    expect((await runCli(['history', ...fleet.flags])).stdout).not.toContain('Fleets:');
  });

  it(
    'v1.0.2 fails on the canary; no other host is touched; the canary rolls back alone, then the fleet',
    { timeout: 180_000 },
    async () => {
      const before = [1, 2].map((i) => ({ digest: fleet.demos[i]!.dbDigest(), head: head(i) }));
      const canaryDigest = fleet.demos[0]!.dbDigest();
      const failed = await runCli(headlessDeploy('v1.0.2', ...fleet.flags));
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/^web1 +3\.2 .* failed /m);
      expect(failed.stdout).toMatch(/^fleet +halted at web1 3\.2/m);
      // Phase 1 (read-only checks and backups) ran everywhere; nothing after it on web2 or web3.
      expect(failed.stdout).toMatch(/^web3 +1\.3 .* succeeded /m);
      expect(failed.stdout).not.toMatch(/^web[23] +[2-5]\.\d {2}/m);
      expect([1, 2].map((i) => ({ digest: fleet.demos[i]!.dbDigest(), head: head(i) }))).toEqual(
        before,
      );

      const json = await exportJson();
      expect(json.kind).toBe('fleet');
      expect(json.status).toBe('failed');
      expect(json.halted).toMatchObject({ host: 'web1', stepId: '3.2' });
      expect(json.hosts.map((h: { target: string }) => h.target)).toEqual(['web1', 'web2', 'web3']);
      expect(json.hosts[0].steps.find((s: { id: string }) => s.id === '3.2').status).toBe('failed');

      const md = (await runCli(['export', json.id, ...fleet.flags])).stdout;
      expect(md.indexOf('# CVD Fleet Deployment')).toBe(0);
      expect(md.match(/^# CVD Deployment — Execution Log /gm)).toHaveLength(3);
      expect(md).toMatch(/^\| web1 \| canary \| failed \| /m);

      // A canary is never skipped: it proves the version before any batch gets it, and once it
      // failed, skipping it would send that failing version on. Refused (exit 2), nothing changed.
      const resumeSkipping = (host: string) =>
        runCli([
          'resume',
          '--headless',
          '--confirm-all',
          '--skip-host',
          host,
          '--reason',
          'out of rotation',
          ...fleet.flags,
        ]);
      const canarySkip = await resumeSkipping('web1');
      expect(canarySkip.code).toBe(2);
      expect(canarySkip.stderr).toMatch(/web1 is a canary of fleet \S+ and is never skipped/);
      expect((await exportJson(json.id)).members[0].status).toBe('failed');
      // A held batch host is left out, and the rollout goes on without it: the canary's 3.2 is
      // retried, fails again and halts; web3 still untouched.
      const skipped = await resumeSkipping('web2');
      expect(skipped.code).toBe(1);
      expect(skipped.stdout).toMatch(/^fleet +web2 skipped: out of rotation$/m);
      expect(skipped.stdout).toMatch(/^web1 +3\.2 .* failed /m);
      expect(skipped.stdout).toMatch(/^web2 +1 +skipped /m);
      expect(skipped.stdout).not.toMatch(/^web[23] +[2-5]\.\d {2}/m);
      expect([1, 2].map((i) => ({ digest: fleet.demos[i]!.dbDigest(), head: head(i) }))).toEqual(
        before,
      );

      const canaryId = json.members[0].deploymentId;
      const one = await runCli(['rollback', canaryId, '--headless', ...fleet.flags]);
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(/^web1 +R\.3 .* succeeded .*database restored/m);
      expect(await version(0)).toBe('v1.0.0');
      expect(fleet.demos[0]!.dbDigest()).toBe(canaryDigest);
      const afterOne = await exportJson(json.id);
      expect(afterOne.members.map((m: { status: string }) => m.status)).toEqual([
        'rolled_back',
        'skipped',
        'held',
      ]);
      expect(afterOne.halted).toMatchObject({ host: 'web1', stepId: '3.2' });

      const all = await runCli(['rollback', json.id, '--headless', ...fleet.flags]);
      expect(all.code).toBe(0);
      expect(all.stdout).toMatch(/^Fleet \S+: rolled back/m);
      const history = (await runCli(['history', ...fleet.flags])).stdout;
      expect(history).toMatch(new RegExp(`^${json.id} +web +v1\\.0\\.2 .* rolled_back`, 'm'));
      expect(history).toMatch(/^ +\S+ +web2 \(batch 1\) .* skipped/m);
    },
  );

  it(
    'v1.0.1: the canary first, then web2 and web3 side by side; kill -9 mid-batch; a health breach on the canary halts the resume; the next resume finishes every host, no mutating step run twice',
    { timeout: 240_000 },
    async () => {
      beforeV101 = [0, 1, 2].map((i) => ({ digest: fleet.demos[i]!.dbDigest(), head: head(i) }));
      let armed = false;
      const cli = startCli(headlessDeploy('v1.0.1', ...fleet.flags), hook.env, (soFar) => {
        // Once the canary is through, pause web2 (local: the hook reaches it) in the middle of 2.2.
        if (!armed && /^web1 +5\.3 /m.test(soFar)) {
          armed = true;
          hook.arm('2.2', 'mid');
        }
      });
      const hit = await hook.waitHit(120_000);
      signal(cli.pid, 'SIGKILL');
      const killed = await cli.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).toMatch(/plan: canary web1; batch 1: web2, web3/);
      hook.disarm();
      hit.release();

      // The canary degrades while no one runs: the health gate keeps the batch from going on.
      const cvdctl = (i: number, verb: string) =>
        execFileSync(join(fleet.demos[i]!.dir, 'bin', 'cvdctl'), [verb]);
      cvdctl(0, 'stop');
      const gated = await runCli(['resume', '--headless', '--confirm-all', ...fleet.flags]);
      expect(gated.code).toBe(1);
      expect(gated.stdout).toMatch(
        /^fleet +halted at web1: health breach before the next batch: \/health: /m,
      );
      cvdctl(0, 'start');
      await waitFor(() =>
        fleet.demos[0]!.appGet('/health').then(
          (r) => r.status === 200,
          () => false,
        ),
      );

      const resumed = await runCli(['resume', '--headless', '--confirm-all', ...fleet.flags]);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).not.toMatch(/^web1 +\d\.\d /m);
      for (const i of [0, 1, 2]) expect(await version(i)).toBe('v1.0.1');
      const json = await exportJson();
      expect(json.status).toBe('succeeded');
      expect(json.plan).toEqual({ canary: ['web1'], batches: [['web2', 'web3']], maxFailures: 0 });
      for (const [i, host] of json.hosts.entries()) {
        expect(host.status).toBe('succeeded');
        const ran = journalRuns(join(fleet.demos[i]!.dir, 'deployments'), host.id);
        for (const step of MUTATING)
          expect(
            [...ran.keys()].filter((k) => k.startsWith(`${step}-`)),
            `${host.target} ${step}`,
          ).toHaveLength(1);
      }

      const rows = fleetAttempts();
      const canaryDone = stepOf(rows, 'web1', '5.3').finished_at!;
      for (const host of ['web2', 'web3']) {
        // Phase 1 everywhere before the canary changed anything; the batch only after the canary.
        expect(stepOf(rows, host, '1.3').finished_at!).toBeLessThanOrEqual(
          stepOf(rows, 'web1', '2.1').started_at,
        );
        expect(stepOf(rows, host, '2.1').started_at).toBeGreaterThanOrEqual(canaryDone);
      }
      // In parallel within the batch: each started before the other finished.
      expect(stepOf(rows, 'web2', '2.1').started_at).toBeLessThan(
        stepOf(rows, 'web3', '5.3').finished_at!,
      );
      expect(stepOf(rows, 'web3', '2.1').started_at).toBeLessThan(
        stepOf(rows, 'web2', '5.3').finished_at!,
      );
    },
  );

  it(
    'rolls the whole v1.0.1 fleet back, the batch (web3, web2) first and the canary last, each to its HEAD and DB before',
    { timeout: 180_000 },
    async () => {
      expect(beforeV101).toHaveLength(3);
      const { id } = await exportJson();
      const all = await runCli(['rollback', id, '--headless', ...fleet.flags]);
      expect(all.code).toBe(0);
      expect(all.stdout).toMatch(/^Fleet \S+: rolled back/m);
      const rolledBack = fleetAttempts()
        .filter((a) => a.step_id.startsWith('R.'))
        .map((a) => a.target);
      // One host after another: each host's rollback steps all run before the next host's first.
      expect(rolledBack.filter((host, i) => host !== rolledBack[i - 1])).toEqual([
        'web3',
        'web2',
        'web1',
      ]);
      for (const i of [0, 1, 2]) expect(await version(i)).toBe('v1.0.0');
      expect([0, 1, 2].map((i) => ({ digest: fleet.demos[i]!.dbDigest(), head: head(i) }))).toEqual(
        beforeV101,
      );
      const json = await exportJson(id);
      expect(json.status).toBe('rolled_back');
      expect(json.members.map((m: { status: string }) => m.status)).toEqual([
        'rolled_back',
        'rolled_back',
        'rolled_back',
      ]);
    },
  );
});
