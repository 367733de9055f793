/**
 * Backups are proven before anything depends on them, and steps stop at the
 * first failure that matters: on the demo target, with real SQLite files,
 * real tar and the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

const deploy = (d: DemoHandle, version: string, env: Record<string, string> = {}) =>
  runCli(headlessDeploy(version, ...d.flags), env);
const rollback = (d: DemoHandle) => runCli(['rollback', '--headless', ...d.flags]);
const backupsOf = (d: DemoHandle) => readdirSync(join(d.dir, 'backups'));
async function exported(d: DemoHandle) {
  return JSON.parse((await runCli(['export', '--format', 'json', ...d.flags])).stdout) as {
    checklist: { id: string; evidence: string | null }[];
    steps: { id: string; output: string }[];
  };
}

function editTarget(d: DemoHandle, change: Record<string, unknown>): void {
  const config = JSON.parse(readFileSync(d.configPath, 'utf8'));
  Object.assign(config.targets.demo, change);
  writeFileSync(d.configPath, JSON.stringify(config, null, 2));
}

/** Overwrites the b-tree header of the database's second page: sqlite3 then calls the file malformed. */
function corruptSecondPage(file: string): void {
  const bytes = readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0xff, pageSize, pageSize + 8);
  writeFileSync(file, bytes);
}

describe('the rollback verifies its backup before restoring it', () => {
  it('refuses a 0-byte, a corrupted and a different backup, keeping the live database; restores the real one', async () => {
    demo = await freshDemo();
    const before = demo.dbDigest();
    const failed = await deploy(demo, 'v1.0.2');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^3\.2 .* failed /m);
    const name = backupsOf(demo).find((f) => /^pre_deploy_.*\.db$/.test(f))!;
    const backup = join(demo.dir, 'backups', name);
    const original = readFileSync(backup);
    const live = demo.dbDigest();
    expect(live).not.toBe(before);

    const refusals: [string, () => void, RegExp][] = [
      ['0-byte', () => writeFileSync(backup, ''), /it is empty \(0 bytes\)/],
      ['corrupted', () => corruptSecondPage(backup), /its integrity check failed/],
      [
        'valid but different',
        () => execFileSync('sqlite3', [backup, 'DELETE FROM devices WHERE rowid = 1']),
        /row counts are not those of the database it was taken from/,
      ],
    ];
    for (const [what, spoil, because] of refusals) {
      writeFileSync(backup, original);
      spoil();
      const refused = await rollback(demo);
      expect(refused.code, `${what}: ${refused.stdout}${refused.stderr}`).toBe(1);
      expect(refused.stdout).toMatch(
        new RegExp(
          `^R\\.3 .* failed .*refusing to restore .*${because.source}.*the live database is kept`,
          'm',
        ),
      );
      expect(demo.dbDigest(), what).toBe(live);
      // Refused before anything was touched: not even the copy of the live database was taken.
      expect(
        backupsOf(demo).filter((f) => f.startsWith('pre_rollback_')),
        what,
      ).toEqual([]);
    }

    writeFileSync(backup, original);
    const restored = await rollback(demo);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^R\.3 .* succeeded .*database restored/m);
    expect(demo.dbDigest()).toBe(before);
  }, 120_000);
});

describe('1.3 and tech.1 count only complete, verified backups', () => {
  it('tech.1 skips a newer 0-byte backup, a temporary file and a rollback copy', async () => {
    demo = await freshDemo();
    const backups = join(demo.dir, 'backups');
    const nightly = backupsOf(demo).find((f) => f.endsWith('.db'))!;
    const future = new Date(Date.now() + 60_000);
    for (const [name, content] of [
      ['pre_deploy_20990101_000000_0000.db', ''],
      ['pre_deploy_20990101_000001_0000.db.tmp', null],
      ['pre_rollback_20990101_000002_0000.db', null],
    ] as const) {
      if (content === null) copyFileSync(join(backups, nightly), join(backups, name));
      else writeFileSync(join(backups, name), content);
      utimesSync(join(backups, name), future, future);
    }
    // The deployment's own outcome does not matter here: a failing install stops it early.
    editTarget(demo, { installCommand: 'false' });
    await deploy(demo, 'v1.0.1');
    const tech1 = (await exported(demo)).checklist.find((c) => c.id === 'tech.1')!;
    expect(tech1.evidence).toMatch(
      new RegExp(
        `^${nightly.replaceAll('.', '\\.')}, 0\\.\\d h old, verified \\(newer, not a valid backup: pre_deploy_20990101_000000_0000\\.db: it is empty \\(0 bytes\\)\\)$`,
      ),
    );
  }, 60_000);

  it('a backup that cannot be written fails 1.3, leaves no temporary file and prints no success line', async () => {
    demo = await freshDemo();
    // A full backups disk, as the target's shells see it: no file may grow past 16 KiB
    // (the demo database is bigger). Every bash the local transport starts reads BASH_ENV.
    const limit = join(demo.dir, 'file-size-limit.sh');
    writeFileSync(limit, 'ulimit -f 16\n');
    const failed = await deploy(demo, 'v1.0.1', { BASH_ENV: limit });
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^1\.3 .* failed .*database backup failed/m);
    expect(failed.stdout).not.toMatch(/^2\.1 /m);
    expect(
      backupsOf(demo).filter((f) => f.startsWith('pre_deploy_') || f.endsWith('.tmp')),
    ).toEqual([]);
    const output = (await exported(demo)).steps.find((s) => s.id === '1.3')!.output;
    expect(output).toContain('=== Creating Database Backup ===');
    expect(output).not.toMatch(/completed successfully|verified/);
    // The service was never stopped: the app still answers.
    expect((await demo.appGet('/health')).status).toBe(200);
  }, 60_000);
});

describe('steps stop at the first failure that matters', () => {
  it('a failing installCommand fails 2.2 at once; the rollback restores the code', async () => {
    demo = await freshDemo();
    // init's default on a host without a virtualenv: the runbook went on past it.
    editTarget(demo, { installCommand: 'source venv/bin/activate && node --check server.mjs' });
    const failed = await deploy(demo, 'v1.0.1');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^2\.2 .* failed .*the install command failed \(exit 1\)/m);
    expect(failed.stdout).not.toMatch(/^2\.3 /m);
    const output = (await exported(demo)).steps.find((s) => s.id === '2.2')!.output;
    expect(output).toMatch(/venv\/bin\/activate: No such file/);
    expect(output).not.toContain('Code update completed');
    const rolled = await rollback(demo);
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.0');
  }, 60_000);

  it('a service that is active for a moment and then failed fails 3.1, or during its hold the step that sees it', async () => {
    demo = await freshDemo();
    // The new configuration names a certificate that is not there: the app starts, then dies.
    const config = join(demo.dir, 'config');
    const env = readFileSync(join(config, '.env'), 'utf8');
    const missingCert = `TLS_CERT=${join(config, 'missing.pem')}\n`;
    writeFileSync(join(config, '.env.new'), `${env}${missingCert}`);
    const failed = await deploy(demo, 'v1.0.1');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    // Dead before 3.1 saw it settle, or just after: 3.1 fails, or 3.2 fails on the hold 3.1 opened.
    expect(failed.stdout).toMatch(
      /^(3\.1 .* failed .*cvd did not become active: .*got failed|3\.2 .* failed .*cvd did not stay active for 3 s after it started: it is failed)$/m,
    );
    expect(failed.stdout).not.toMatch(/^(3\.3|5\.1) /m);
    const rolled = await rollback(demo);
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    expect(readFileSync(join(config, '.env'), 'utf8')).toBe(env);

    // Now it dies 2.5 s after it started: after 3.1, inside the hold 3.1 opened. 3.2 stops
    // waiting for /health (the service is failed), and fails naming the service; 5.1, which
    // closes the hold, and everything past it never run. The rollback is the same.
    writeFileSync(join(config, '.env.new'), `${env}CVD_DEMO_START_DELAY_MS=2500\n${missingCert}`);
    const died = await deploy(demo, 'v1.0.1');
    expect(died.code, died.stdout + died.stderr).toBe(1);
    expect(died.stdout).toMatch(/^3\.1 .* succeeded .*cvd active \(5\.1 checks it held 3 s\)/m);
    // The watcher may see the main PID gone before the service manager says failed: both fail 3.2.
    expect(died.stdout).toMatch(
      /^3\.2 .* failed .*cvd did not stay active for 3 s after it started: (it is failed|its main process ended)$/m,
    );
    expect(died.stdout).not.toMatch(/^(3\.3|5\.1) /m);
    const rolledAgain = await rollback(demo);
    expect(rolledAgain.code, rolledAgain.stdout + rolledAgain.stderr).toBe(0);
    expect(readFileSync(join(config, '.env'), 'utf8')).toBe(env);
    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.0');
  }, 90_000);
});
