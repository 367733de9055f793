/**
 * doctor, --plan, monitor and recover with `--target GROUP`, on two local
 * demo targets (web1 canary, web2 in batch 1). The cases share them and run
 * in order: read-only first, then v1.0.1 rolled out and watched, then
 * v1.0.2 halted at the canary and recovered into a fresh state database.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessDeploy, runCli, startCli } from '../helpers/cli.js';
import { freshFleet, type FleetHandle } from '../helpers/fleet.js';

let fleet: FleetHandle;

beforeAll(async () => {
  fleet = await freshFleet(2, { group: { batchSize: 1 } });
  // The demo's "server" is the machine running the tests, whose CPU parallel
  // workers often saturate: 100 % turns monitor's CPU check off (as in monitor.test.ts).
  const config = JSON.parse(readFileSync(fleet.config, 'utf8'));
  for (const name of fleet.names) config.targets[name].thresholds = { maxCpuPercent: 100 };
  writeFileSync(fleet.config, JSON.stringify(config));
}, 120_000);
afterAll(() => fleet?.cleanup());

const head = (i: number) =>
  execFileSync('git', ['-C', join(fleet.demos[i]!.dir, 'app'), 'rev-parse', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
const locked = (i: number) => existsSync(join(fleet.demos[i]!.dir, 'deployments', '.lock'));

describe('doctor, --plan, monitor and recover on a fleet of two demo targets', () => {
  it('doctor checks every host, each in its own section, and exits 0 when all pass', async () => {
    const result = await runCli(['doctor', ...fleet.flags]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(
      [...result.stdout.matchAll(/^Doctor: target (web\d) \(local\)$/gm)].map((m) => m[1]),
    ).toEqual(['web1', 'web2']);
    expect(result.stdout).toMatch(/^ {2}web1 +all \d+ checks passed$/m);
    expect(result.stdout).toContain('Fleet web: 2 of 2 hosts passed every check');
  });

  it("deploy --plan prints the rollout, each host's change preview and steps, and changes nothing", async () => {
    const heads = [head(0), head(1)];
    const result = await runCli(['deploy', '--version', 'v1.0.1', '--plan', ...fleet.flags]);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Plan: deploy v1\.0\.1 to fleet web \(web1, web2\) as /m);
    expect(out).toContain('plan: canary web1; batch 1: web2;');
    for (const host of ['web1', 'web2'])
      expect(out).toMatch(
        new RegExp(
          `^${host} {2}Change preview: v1\\.0\\.0 → v1\\.0\\.1 .*\\n${host} {4}2\\.3 migrations: migration_v1\\.0\\.1\\.sql`,
          'm',
        ),
      );
    // Each demo lives in its own directory, so every path-bearing step differs.
    expect(out).toMatch(/^The hosts differ in .*paths\.app/m);
    expect(out).toMatch(/^Steps on web2: .*2\.2 .* differ from web1's/m);
    expect(out).toContain(join(fleet.demos[1]!.dir, 'app'));
    expect([head(0), head(1)]).toEqual(heads);
    expect([locked(0), locked(1)]).toEqual([false, false]);
    expect((await runCli(['history', ...fleet.flags])).stdout).not.toContain('Fleets:');
  });

  it('after v1.0.1, monitor watches both hosts and rollback --plan takes them last first', async () => {
    const deployed = await runCli(headlessDeploy('v1.0.1', ...fleet.flags));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    const fleetId = /^Fleet (\S+): succeeded$/m.exec(deployed.stdout)![1]!;

    const watched = await runCli([
      'monitor',
      '--minutes',
      '0.05',
      '--interval',
      '1',
      ...fleet.flags,
    ]);
    expect(watched.code, watched.stdout + watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(
      new RegExp(`^Monitoring fleet ${fleetId} \\(v1\\.0\\.1 on web\\).* on web1, web2$`, 'm'),
    );
    for (const host of ['web1', 'web2'])
      expect(watched.stdout).toMatch(new RegExp(`^${host} {2}\\d\\d:\\d\\d:\\d\\d +\\d+ ms `, 'm'));
    expect(watched.stdout).toContain(`Monitoring fleet ${fleetId}: 2 of 2 hosts passed`);
    const log = JSON.parse(
      (await runCli(['export', fleetId, '--format', 'json', ...fleet.flags])).stdout,
    );
    expect(
      log.hosts.map((h: { monitoring: { status: string } | null }) => h.monitoring?.status),
    ).toEqual(['passed', 'passed']);

    // A signal stops every host's watch, and each is recorded as stopped before the exit.
    let signalled = false;
    const interrupted = await startCli(
      ['monitor', '--minutes', '1', '--interval', '1', ...fleet.flags],
      {},
      (soFar) => {
        if (signalled || !/^web1 {2}\d/m.test(soFar) || !/^web2 {2}\d/m.test(soFar)) return;
        signalled = true;
        process.kill(interrupted.pid, 'SIGTERM');
      },
    );
    expect((await interrupted.done).code).toBe(130);
    const stopped = JSON.parse(
      (await runCli(['export', fleetId, '--format', 'json', ...fleet.flags])).stdout,
    );
    expect(
      stopped.hosts.map((h: { monitoring: { status: string } }) => h.monitoring.status),
    ).toEqual(['stopped', 'stopped']);

    const plan = await runCli(['rollback', '--plan', ...fleet.flags]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Plan: roll back fleet ${fleetId} (v1.0.1 on web, succeeded)`);
    expect(plan.stdout).toMatch(/^ {2}order: web2, web1$/m);
    expect(
      [
        ...plan.stdout.matchAll(
          /^Plan: roll back \S+ \(v1\.0\.1, succeeded\) on (web\d) to v1\.0\.0$/gm,
        ),
      ].map((m) => m[1]),
    ).toEqual(['web2', 'web1']);
    expect(plan.stdout).toMatch(/^R\.2 {2}/m);
    expect((await runCli(['history', ...fleet.flags])).stdout).toMatch(
      new RegExp(`^${fleetId} +web +v1\\.0\\.1 .*succeeded`, 'm'),
    );

    // Headless, a downgrade across v1.0.1's migration on any host refuses the fleet before it begins.
    const before = (await runCli(['history', ...fleet.flags])).stdout;
    const downgrade = await runCli(headlessDeploy('v1.0.0', ...fleet.flags));
    expect(downgrade.code, downgrade.stdout + downgrade.stderr).toBe(2);
    expect(downgrade.stdout).toMatch(
      /^web1 {2}✗ downgrade: v1\.0\.0 lacks 1 commit of v1\.0\.1; /m,
    );
    expect(downgrade.stderr).toMatch(
      /web1: v1\.0\.0 is a downgrade from v1\.0\.1 across migration_v1\.0\.1\.sql .*pass --allow-downgrade/,
    );
    expect((await runCli(['history', ...fleet.flags])).stdout).toBe(before);
  }, 120_000);

  it('recover rebuilds each host of a halted rollout and the fleet into a fresh state database, which resume then takes', async () => {
    const halted = await runCli(headlessDeploy('v1.0.2', ...fleet.flags));
    expect(halted.code, halted.stdout + halted.stderr).toBe(1);
    const fleetId = /^Deploying v1\.0\.2 to fleet web as \S+: fleet (\S+)$/m.exec(
      halted.stdout,
    )?.[1];
    expect(fleetId, halted.stdout).toBeDefined();
    const ids = Object.fromEntries(
      [...halted.stdout.matchAll(/^(web\d) +\S+ +\S+ +(\d{8}_\d{6}_\w{4}) /gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    // Each host's metadata beside its journal names the fleet and its group.
    for (const [i, host] of ['web1', 'web2'].entries())
      expect(
        readFileSync(join(fleet.demos[i]!.dir, 'deployments', ids[host]!, 'meta'), 'utf8'),
      ).toContain(`\nfleet=${fleetId}\ngroup=web\n`);
    const fresh = join(fleet.demos[0]!.dir, '..', 'fresh.db');
    const flags = fleet.flags.map((f) => (f === fleet.state ? fresh : f));
    const recovered = await runCli(['recover', ...flags]);
    expect(recovered.code, recovered.stdout + recovered.stderr).toBe(0);
    for (const host of ['web1', 'web2'])
      expect(recovered.stdout).toMatch(
        new RegExp(
          `^${host} {2}Recovered deployment ${ids[host]} of ${host} .*v1\\.0\\.1 -> v1\\.0\\.2`,
          'm',
        ),
      );
    expect(recovered.stdout).toMatch(/^web1 {2}2\.3 +Database Migration +succeeded/m);
    // The hosts go on with their fleet, rebuilt, not each alone.
    expect(recovered.stdout).not.toMatch(/Resume: +.* resume \d/);
    expect(recovered.stdout).toContain(
      `Fleet ${fleetId} (v1.0.2) rebuilt from the hosts' metadata`,
    );
    expect(recovered.stdout).toMatch(
      new RegExp(`^ {2}Resume it: +.* resume ${fleetId} --target web$`, 'm'),
    );
    const web1 = JSON.parse(
      (
        await runCli([
          'export',
          ids.web1!,
          '--format',
          'json',
          ...flags.map((f) => (f === 'web' ? 'web1' : f)),
        ])
      ).stdout,
    );
    expect(web1).toMatchObject({ id: ids.web1, target: 'web1', status: 'in_progress' });
    const history = await runCli(['history', ...flags]);
    expect(history.stdout, history.stderr).toContain(fleetId);

    const again = await runCli(['recover', ...flags]);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/^web1 {2}nothing to recover: deployment \S+ is already in /m);

    // resume takes the rebuilt fleet as one (v1.0.2 fails on the canary again: exit 1, not refused).
    const resumed = await runCli(['resume', fleetId!, ...flags, '--headless', '--confirm-all']);
    expect(resumed.stdout, resumed.stderr).toContain(`Resuming fleet ${fleetId} (v1.0.2 on web)`);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(1);
  }, 240_000);
});
