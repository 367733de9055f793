import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS, databaseNeedsRestore } from '../../src/steps/index.js';
import type { StepContext, StepDef } from '../../src/steps/types.js';
import { versionProblem } from '../../src/steps/version.js';
import { RUNBOOK_STEP_IDS } from '../helpers/contract.js';
import { factsOf } from '../helpers/facts.js';

const production = withDefaults({ transport: 'ssh', host: 'prod', username: 'cvdops' });
/** Without sudo the commands are not nested in `bash -c '…'`, so assertions read plainly. */
const plain = withDefaults({ transport: 'local', useSudo: false });
const ctx = (facts: Record<string, string> = {}, target = production): StepContext => ({
  target,
  targetName: 'prod',
  operator: 'alice',
  deploymentId: '20261127_101500_ab12',
  startedAt: 0,
  version: 'v1.0.1',
  facts,
  secrets: {},
});
const step = (id: string): StepDef =>
  [...DEPLOY_STEPS, ...ROLLBACK_STEPS].find((s) => s.id === id)!;
const result = (exitCode: number, lines: string[]) => {
  const output = lines.join('\n');
  return { exitCode, output, facts: factsOf(output) };
};

describe('the runbook as data', () => {
  it('has the contract step ids in order', () => {
    expect(DEPLOY_STEPS.map((s) => s.id)).toEqual(RUNBOOK_STEP_IDS);
    expect(ROLLBACK_STEPS.map((s) => s.id)).toEqual([
      'R.1',
      'R.2',
      'R.3',
      'R.4',
      'R.5',
      'R.6',
      'R.7',
    ]);
  });

  it('marks what each step mutates; only the migration is unsafe to re-run', () => {
    expect(DEPLOY_STEPS.filter((s) => !s.rerunSafe).map((s) => s.id)).toEqual(['2.3']);
    expect(step('2.2').mutates).toEqual(['code']);
    expect(step('2.3').mutates).toEqual(['database']);
    expect(step('3.2').mutates).toEqual([]);
  });
});

/** The scripts the app user runs: the bodies of every `bash -c '…'`, unquoted once. */
const appScripts = (script: string): string[] =>
  [...script.matchAll(/bash -c '((?:[^']|'\\'')*)'/g)].map((m) => m[1]!.replaceAll(`'\\''`, `'`));

describe('command building', () => {
  it('uses the runbook defaults: sudo -u cvdapp, systemctl, /opt/cvd paths', () => {
    const backup = step('1.3').script(ctx());
    expect(backup).toContain(`sudo -n -u 'cvdapp' -- bash -c`);
    expect(backup).toContain('/opt/cvd/backups/pre_deploy_20261127_101500_ab12.db');
    expect(step('2.1').script(ctx())).toContain(`sudo -n -- 'systemctl' 'stop' 'cvd'`);
  });

  it('uses overrides and drops sudo where the target says so', () => {
    const demo = withDefaults({
      transport: 'local',
      useSudo: false,
      serviceCtl: '/srv/demo/bin/cvdctl',
      paths: { app: '/srv/demo/app' },
    });
    const stop = step('2.1').script(ctx({}, demo));
    expect(stop).not.toContain('sudo');
    expect(stop).toContain(`'/srv/demo/bin/cvdctl' 'stop' 'cvd'`);
    expect(appScripts(step('2.2').script(ctx({}, demo))).join('\n')).toContain(
      `cd -- '/srv/demo/app' || exit 1\ngit checkout -q --detach 'refs/tags/v1.0.1'`,
    );
  });

  it('quotes the version and recorded facts wherever they appear', () => {
    const hostile = { ...ctx({ previousCommit: "abc'; reboot; '" }, plain), version: "v1'x" };
    expect(appScripts(step('2.2').script(hostile)).join('\n')).toContain(`'refs/tags/v1'\\''x'`);
    expect(appScripts(step('R.2').script(hostile)).join('\n')).toContain(
      `'abc'\\''; reboot; '\\'''`,
    );
  });

  it('applies every migration between the running commit and the target (the runbook only ran the target one)', () => {
    const script = step('2.3').script(ctx({ previousCommit: 'a'.repeat(40) }, plain));
    expect(appScripts(script).join('\n')).toContain(
      `git tag --merged 'refs/tags/v1.0.1' --no-merged '${'a'.repeat(40)}'`,
    );
    expect(script).toContain('fact migrationStarted "$tag"');
  });

  it('sends the functional-test password on stdin, never in the script', () => {
    const withPassword = { ...ctx(), secrets: { testPassword: 's3cr3t-pw' } };
    expect(step('3.3').script(withPassword)).not.toContain('s3cr3t-pw');
    expect(JSON.parse(step('3.3').stdin!(withPassword)!)).toEqual({
      username: 'test_user',
      password: 's3cr3t-pw',
    });
  });
});

describe('verification parsing', () => {
  it('1.3 needs the verified database backup, the tarball and the running commit', () => {
    const sha = 'f'.repeat(40);
    const good = result(0, [
      'CVD-FACT dbBackup=/b.db',
      'CVD-FACT dbBackupRows=0123456789abcdef',
      'CVD-FACT appBackup=/b.tgz',
      `CVD-FACT previousCommit=${sha}`,
    ]);
    expect(step('1.3').verify(good, ctx()).ok).toBe(true);
    const unverified = result(0, ['CVD-FACT appBackup=/b.tgz', `CVD-FACT previousCommit=${sha}`]);
    expect(step('1.3').verify(unverified, ctx())).toMatchObject({
      ok: false,
      summary: 'the database backup was not verified',
    });
    const failed = result(1, ['CVD-FACT failure=database backup failed: it is empty (0 bytes)']);
    expect(step('1.3').verify(failed, ctx()).summary).toBe(
      'database backup failed: it is empty (0 bytes)',
    );
  });

  it("sudo's refusal of one of our commands fails the step, naming the permission, whatever the exit status", () => {
    const refused = result(0, [
      'CVD-FACT serviceState=inactive',
      'CVD-SUDO-REFUSED systemctl stop cvd as root: sudo: a password is required',
    ]);
    for (const outcome of [refused, { ...refused, exitCode: 1 }])
      expect(step('2.1').verify(outcome, ctx())).toMatchObject({
        ok: false,
        summary: expect.stringMatching(
          /^sudo refused systemctl stop cvd as root: sudo: a password is required — .*cvd-tui sudoers/,
        ),
      });
  });

  it('2.1 accepts inactive (or failed), 3.1 only active', () => {
    expect(step('2.1').verify(result(0, ['CVD-FACT serviceState=inactive']), ctx()).ok).toBe(true);
    expect(step('2.1').verify(result(0, ['CVD-FACT serviceState=active']), ctx()).ok).toBe(false);
    expect(step('3.1').verify(result(0, ['CVD-FACT serviceState=active']), ctx()).ok).toBe(true);
    expect(step('3.1').verify(result(0, ['CVD-FACT serviceState=activating']), ctx()).ok).toBe(
      false,
    );
  });

  it('the hold 3.1 opens: 3.2–4.3 fail once the service left it, 5.1, 5.2 and R.6 pass only when it held', () => {
    const healthy = ['CVD-FACT healthCode=200', 'CVD-FACT databaseHealthCode=200'];
    const hold = (verdict: string) => [`CVD-FACT serviceHold=${verdict}`];
    for (const verdict of ['holding', 'held', ''])
      expect(step('3.2').verify(result(0, [...healthy, ...hold(verdict)]), ctx()).ok).toBe(true);
    expect(step('3.2').verify(result(0, [...healthy, ...hold('left failed')]), ctx())).toEqual({
      ok: false,
      summary: 'cvd did not stay active for 3 s after it started: it is failed',
      warnings: [],
    });
    const logs = ['CVD-FACT errorCount=0', 'CVD-FACT logWindow=/opt/cvd/w'];
    expect(step('4.1').verify(result(0, [...logs, ...hold('restarted 4242')]), ctx()).summary).toBe(
      'cvd did not stay active for 3 s after it started: its main PID changed (now 4242): it restarted',
    );
    expect(step('4.1').verify(result(0, [...logs, ...hold('restarted none')]), ctx()).summary).toBe(
      'cvd did not stay active for 3 s after it started: its main process ended',
    );
    const recorded = ['CVD-FACT deployedShort=abc1234'];
    expect(step('5.1').verify(result(0, [...recorded, ...hold('held')]), ctx()).ok).toBe(true);
    for (const verdict of ['holding', 'left inactive', 'restarted none'])
      expect(step('5.1').verify(result(1, hold(verdict)), ctx()).ok).toBe(false);
    expect(step('5.2').verify(result(0, ['CVD-FACT backupsKept=1']), ctx()).summary).toBe(
      'cvd was not seen active for 3 s after it started',
    );
    const active = 'CVD-FACT serviceState=active';
    expect(step('R.6').verify(result(0, [active, ...hold('held')]), ctx()).ok).toBe(true);
    expect(step('R.6').verify(result(0, [active, ...hold('restarted 7')]), ctx()).ok).toBe(false);
    // 3.1 opens the hold and goes on; 5.1 and 5.2 wait for it before they change anything.
    expect(step('3.1').script(ctx())).toContain('setsid nohup bash -c');
    expect(step('R.6').script(ctx())).not.toContain('setsid');
    for (const id of ['5.1', '5.2']) {
      const script = step(id).script(ctx());
      expect(script.indexOf('[ "$hold" = held ] || exit 1')).toBeGreaterThan(0);
      expect(script.indexOf('[ "$hold" = held ] || exit 1')).toBeLessThan(
        script.indexOf(id === '5.1' ? 'deployments.log' : 'pre_deploy_'),
      );
    }
  });

  it('3.2 needs /health and /health/database to answer 200', () => {
    expect(
      step('3.2').verify(
        result(0, ['CVD-FACT healthCode=200', 'CVD-FACT databaseHealthCode=200']),
        ctx(),
      ).ok,
    ).toBe(true);
    const db = step('3.2').verify(
      result(0, ['CVD-FACT healthCode=200', 'CVD-FACT databaseHealthCode=500']),
      ctx(),
    );
    expect(db).toMatchObject({ ok: false, summary: expect.stringContaining('/health/database') });
  });

  it('5.3 needs the detailed status to say healthy, whatever $? said', () => {
    expect(
      step('5.3').verify(result(0, ['CVD-FACT finalHealth={"status":"healthy"}']), ctx()).ok,
    ).toBe(true);
    expect(
      step('5.3').verify(result(0, ['CVD-FACT finalHealth={"status":"degraded"}']), ctx()).ok,
    ).toBe(false);
    expect(step('5.3').verify(result(0, ['CVD-FACT finalHealth=<html>']), ctx()).ok).toBe(false);
  });

  it('4.2 flags a response slower than the 2 s limit', () => {
    expect(
      step('4.2').verify(result(0, ['CVD-FACT responseSeconds=0.01 0.02 0.01 0.03 0.01']), ctx())
        .ok,
    ).toBe(true);
    expect(
      step('4.2').verify(result(0, ['CVD-FACT responseSeconds=0.01 2.50 0.01 0.03 0.01']), ctx())
        .ok,
    ).toBe(false);
  });

  it('a non-zero exit fails the step even when every fact looks fine', () => {
    expect(step('3.1').verify(result(1, ['CVD-FACT serviceState=active']), ctx()).ok).toBe(false);
  });

  it('restores the database only when a migration started or the operator asked', () => {
    expect(databaseNeedsRestore({ dbBackup: '/b.db' })).toBe(false);
    expect(databaseNeedsRestore({ dbBackup: '/b.db', migrationStarted: 'v1.0.1' })).toBe(true);
    expect(databaseNeedsRestore({ dbBackup: '/b.db', forceDatabaseRestore: '1' })).toBe(true);
    expect(databaseNeedsRestore({ migrationStarted: 'v1.0.1' })).toBe(false);
  });
});

describe('version validation', () => {
  it.each(['v1.0.1', '1.2.3', 'release-2024.01', 'v2.0.0-rc.1', 'v1.0.0+build.5'])(
    'accepts %s',
    (v) => expect(versionProblem(v)).toBeUndefined(),
  );
  it.each([
    '$(reboot)',
    '`id`',
    'a;b',
    'a|b&c>d',
    'refs/heads/$(reboot)',
    '-v1',
    '.v1',
    'v1..2',
    'v1 2',
    'v1\n',
    'x'.repeat(65),
    'ｖ1.0.1',
    'v1.lock',
    '',
  ])('refuses %j', (v) => expect(versionProblem(v)).toMatch(/not a release tag/));
});
