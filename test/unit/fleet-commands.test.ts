/**
 * doctor, --plan, monitor and recover on a fleet: how each aggregates its
 * hosts and prints them (pure parts; test/integration/fleet-commands.test.ts
 * runs them on demo targets).
 */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { doctorFleet } from '../../src/cli/commands/doctor.js';
import { fleetMonitorSummary, monitoredHosts } from '../../src/cli/fleet-monitor.js';
import { writeHostSteps } from '../../src/cli/fleet-plan.js';
import { recoveryExit, recoveryReport, type HostRecovery } from '../../src/cli/fleet-recover.js';
import { fleetFlags } from '../../src/cli/resume-hint.js';
import { deployContext, stepBlocks } from '../../src/cli/plan-steps.js';
import { withDefaults } from '../../src/config/defaults.js';
import type { TargetInput } from '../../src/config/types.js';
import type { DoctorReport } from '../../src/doctor/run.js';
import { formatFleetDoctorSummary } from '../../src/doctor/table.js';
import { memberDifferences } from '../../src/fleet/differences.js';
import type { FleetMember, ResolvedFleet } from '../../src/fleet/group.js';
import { emptyTally } from '../../src/monitor/tally.js';
import type { WatchResult } from '../../src/monitor/watch.js';
import type { FleetRecord } from '../../src/state/fleet-store.js';
import type { DeploymentRecord } from '../../src/state/types.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import { EXIT, worstExit } from '../../src/util/exit.js';
import { startAtMost } from '../../src/util/pool.js';

const member = (name: string, settings: Partial<TargetInput> = {}): FleetMember => ({
  name,
  target: withDefaults({
    transport: 'ssh',
    host: `${name}.example.com`,
    username: 'cvdops',
    ...settings,
  } as TargetInput),
});
const fleetOf = (...members: FleetMember[]): ResolvedFleet => ({
  name: 'web',
  members,
  canary: 1,
  batchSize: 2,
  maxFailures: 0,
});
const buffer = () => {
  const out = { text: '', write: (t: string) => void (out.text += t) };
  return out;
};
const deployment = (id: string, status: DeploymentRecord['status']): DeploymentRecord => ({
  id,
  target: 'web1',
  operator: 'ana',
  jumpHost: 'jump',
  versionFrom: 'v1.0.0',
  versionTo: 'v1.0.1',
  mode: 'deploy',
  status,
  startedAt: Date.UTC(2026, 0, 1),
  finishedAt: null,
  resolution: null,
});

describe('startAtMost', () => {
  it('runs at most `limit` at once, starts them in order, and keeps each result in its place', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const results = startAtMost([1, 2, 3, 4, 5, 6], 4, async (n) => {
      started.push(n);
      most = Math.max(most, ++running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return n * 10;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2, 3, 4]);
    // Finishing the last running one frees its slot for the next in line.
    releases[3]!();
    await results[3];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2, 3, 4, 5]);
    for (let i = 0; releases.some(Boolean) && i < 10; i++) {
      releases.splice(0).forEach((r) => r());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(most).toBe(4);
  });
});

describe('worstExit', () => {
  it('is the worst of the hosts: bad input over a failure over success', () => {
    expect(worstExit([EXIT.ok, EXIT.stepFailed, EXIT.ok])).toBe(EXIT.stepFailed);
    expect(worstExit([EXIT.stepFailed, EXIT.badInput])).toBe(EXIT.badInput);
    expect(worstExit([])).toBe(EXIT.ok);
  });
});

describe('doctor on a fleet', () => {
  const passed: DoctorReport = {
    results: [
      { name: 'connection', ok: true, detail: 'ssh' },
      { name: 'disk', ok: true, detail: '60% free' },
    ],
    refused: false,
  };
  const failed: DoctorReport = {
    results: [
      { name: 'connection', ok: true, detail: 'ssh' },
      { name: 'disk', ok: false, detail: '5% free', hint: 'free some space' },
    ],
    refused: false,
  };
  const refused: DoctorReport = {
    results: [{ name: 'host key', ok: false, detail: 'unknown host key', hint: 'verify it' }],
    refused: true,
  };

  it('prints each host in group order though they finish out of order, and exits with the worst', async () => {
    const reports: Record<string, DoctorReport> = {
      'web1.example.com': passed,
      'web2.example.com': failed,
      'web3.example.com': passed,
    };
    const out = buffer();
    // web1 answers last: its table still comes first.
    const code = await doctorFleet(
      fleetOf(member('web1'), member('web2'), member('web3')),
      parseCli(['doctor', '--target', 'web']).options,
      out,
      async (target) => {
        if (target.host === 'web1.example.com') await new Promise((r) => setTimeout(r, 20));
        return reports[target.host!]!;
      },
    );
    expect(code).toBe(EXIT.stepFailed);
    const sections = [...out.text.matchAll(/^Doctor: target (\S+) \((\S+)\)$/gm)];
    expect(sections.map((m) => [m[1], m[2]])).toEqual([
      ['web1', 'web1.example.com'],
      ['web2', 'web2.example.com'],
      ['web3', 'web3.example.com'],
    ]);
    expect(out.text).toMatch(/^disk +FAIL +5% free\n +hint: free some space$/m);
    expect(out.text).toContain('Fleet web: 2 of 3 hosts passed every check\n');
    expect(out.text).toMatch(/^ {2}web2 +1 of 2 checks failed: disk$/m);
  });

  it('a refused connection on one host makes the fleet exit 2', async () => {
    const out = buffer();
    const code = await doctorFleet(
      fleetOf(member('web1'), member('web2')),
      parseCli(['doctor', '--target', 'web']).options,
      out,
      async (t) => (t.host === 'web2.example.com' ? refused : passed),
    );
    expect(code).toBe(EXIT.badInput);
    expect(out.text).toMatch(/^ {2}web2 +connection refused: host key$/m);
  });

  it('the summary shows host names from an inventory inert', () => {
    const text = formatFleetDoctorSummary('inventory:web', [{ host: 'web\u001b[31m1', ...passed }]);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('all 2 checks passed');
  });
});

describe('a fleet plan', () => {
  it('names the settings members differ in, apart from how they are reached', () => {
    expect(
      memberDifferences([member('web1'), member('web2', { port: 2222, appUser: 'app2' })]),
    ).toEqual({ connection: ['host', 'port'], steps: ['appUser'] });
  });

  const steps = (...members: FleetMember[]) => {
    const out = buffer();
    const blocks = members.map((m) =>
      stepBlocks(
        DEPLOY_STEPS,
        deployContext(
          { target: m.target, targetName: m.name, operator: 'ana', secrets: {} },
          'v1.0.1',
        ),
      ),
    );
    writeHostSteps(out, members, blocks);
    return out.text;
  };

  it('shows the steps once when the members differ only in how they are reached', () => {
    const text = steps(member('web1'), member('web2'), member('web3'));
    expect(text).toContain(
      'The hosts differ only in how they are reached (host), which no script uses.',
    );
    expect(text).toContain('Steps on web1 (the same on web2, web3):');
    expect(text.match(/^2\.2 {2}/gm)).toHaveLength(1);
    expect(text).not.toContain('Steps on web2');
  });

  it('shows, for a host laid out differently, only the steps that differ', () => {
    const text = steps(member('web1'), member('web2', { serviceName: 'cvd-blue' }), member('web3'));
    expect(text).toContain('The hosts differ in serviceName and in how they are reached (host).');
    expect(text).toContain('Steps on web1 (the same on web3):');
    const web2 = text.slice(text.indexOf('\nSteps on web2: '));
    expect(web2).toMatch(
      /^Steps on web2: 1\.1 .*2\.1 .* differ from web1's; the other \d+ are the same:$/m,
    );
    expect(web2).toContain("'cvd-blue'");
    expect(web2).not.toMatch(/^1\.2 {2}/m); // 1.2 only makes a directory: the same on every host
  });
});

describe('monitor on a fleet', () => {
  const hosts = [
    { host: 'web1', position: 0, batch: 0, deploymentId: 'd1', skipReason: null },
    { host: 'web2', position: 1, batch: 1, deploymentId: 'd2', skipReason: null },
    { host: 'web3', position: 2, batch: 1, deploymentId: null, skipReason: 'disk replaced' },
    { host: 'web4', position: 3, batch: 1, deploymentId: null, skipReason: null },
  ];
  const records: Record<string, DeploymentRecord> = {
    d1: deployment('d1', 'succeeded'),
    d2: deployment('d2', 'failed'),
  };

  it('watches succeeded hosts and says why each other one is left out', () => {
    expect(monitoredHosts(hosts, (id) => records[id])).toEqual([
      { host: 'web1', deployment: records.d1 },
      { host: 'web2', skipped: 'deployment d2 is failed' },
      { host: 'web3', skipped: 'skipped (disk replaced)' },
      { host: 'web4', skipped: 'never deployed' },
    ]);
    expect(monitoredHosts(hosts, (id) => records[id], 'd1')).toHaveLength(1);
  });

  it('ends with each host and, for a breach, the rollback of that host and of the fleet', () => {
    const result = (status: WatchResult['status'], reason?: string): WatchResult => ({
      status,
      breaches: [],
      reason,
      tally: emptyTally(0),
    });
    const watched = [
      { host: 'web1', deployment: deployment('d1', 'succeeded') },
      { host: 'web22', deployment: deployment('d2', 'succeeded') },
    ];
    const text = fleetMonitorSummary('f1', '--target web', watched, [
      result('passed'),
      result('breached', 'error rate 5 %'),
    ]);
    expect(text).toMatch(/^Monitoring fleet f1: 1 of 2 hosts passed$/m);
    expect(text).toMatch(/^ {2}web1 {3}passed: 0 samples/m);
    expect(text).toMatch(/^ {2}web22 {2}breached: error rate 5 %; /m);
    expect(text).toMatch(/^Roll back web22 with: .*rollback d2 --target web$/m);
    expect(text).toMatch(/^Roll back every host that changed: .*rollback f1 --target web$/m);
    expect(text).not.toContain('Roll back web1');
  });
});

describe('recover on a fleet', () => {
  const recovered: HostRecovery = {
    host: 'web1',
    recovered: { deployment: deployment('d1', 'in_progress'), attempts: [], facts: ['dbBackup'] },
  };
  const nothing: HostRecovery = { host: 'web2', nothing: 'no unfinished deployment' };
  const failed: HostRecovery = {
    host: 'web3',
    failed: 'connection refused',
    code: EXIT.stepFailed,
  };

  it('exits 0 when any host was recovered, the worst failure otherwise, 2 when none had anything', () => {
    expect(recoveryExit([recovered, nothing])).toBe(EXIT.ok);
    expect(recoveryExit([recovered, failed])).toBe(EXIT.stepFailed);
    expect(recoveryExit([nothing, nothing])).toBe(EXIT.badInput);
  });

  it('says per host what happened and that the fleet record is not rebuilt', () => {
    const text = recoveryReport(
      'web',
      '--target web',
      [recovered, nothing, failed],
      (h) => ` --target ${h}`,
    );
    expect(text).toMatch(/^web1 {2}Recovered deployment d1 of web1 /m);
    expect(text).toMatch(/^web1 {4}Resume: +.*resume d1 --target web1$/m);
    expect(text).toMatch(/^web2 {2}nothing to recover: no unfinished deployment$/m);
    expect(text).toMatch(/^web3 {2}not recovered: connection refused$/m);
    expect(text).toContain('Fleet web: 1 of 3 host deployments recovered.');
    expect(text).toContain('the fleet record is not rebuilt');
  });

  it('with the fleet rebuilt, goes on with the fleet, not with each host alone', () => {
    const text = recoveryReport('web', '--target web', [recovered], (h) => ` --target ${h}`, {
      id: 'f1',
      versionTo: 'v1.0.2',
    } as FleetRecord);
    expect(text).toMatch(/^web1 {2}Recovered deployment d1 of web1 /m);
    expect(text).not.toMatch(/resume d1/);
    expect(text).toContain("Fleet f1 (v1.0.2) rebuilt from the hosts' metadata");
    expect(text).toMatch(/^ {2}Resume it: +.*resume f1 --target web$/m);
    expect(text).toMatch(/^ {2}Roll it back: +.*rollback f1 --target web$/m);
    expect(text).not.toContain('not rebuilt');
  });

  it('says an inventory host cannot be resumed alone until it is a target', () => {
    const text = recoveryReport(
      'inventory:web',
      '--inventory hosts.ini --group web',
      [recovered],
      () => undefined,
    );
    expect(text).toContain('web1 is an inventory host, no target of the config');
    expect(text).not.toMatch(/Resume:/);
  });
});

describe('a fleet named again in a hint', () => {
  it('by its group, or by its inventory and group (an inventory fleet is no config target)', () => {
    expect(fleetFlags('web', parseCli(['monitor', '--target', 'web']).options)).toBe(
      '--target web',
    );
    expect(
      fleetFlags(
        'inventory:web',
        parseCli(['monitor', '--inventory', 'my hosts.ini', '--group', 'web']).options,
      ),
    ).toBe("--inventory 'my hosts.ini' --group web");
    // Its members' settings come from --target: named again with it.
    expect(
      fleetFlags(
        'inventory:web',
        parseCli(['monitor', '--inventory', 'hosts.ini', '--group', 'web', '--target', 'prod'])
          .options,
      ),
    ).toBe('--inventory hosts.ini --group web --target prod');
  });
});
