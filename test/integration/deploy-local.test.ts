import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, headlessDeploy, INVOKED } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { RUNBOOK_STEP_IDS } from '../helpers/contract.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

const deploy = (d: DemoHandle, version: string, env: Record<string, string> = {}) =>
  runCli(headlessDeploy(version, ...d.flags), env);

describe('headless deploy over the local transport', () => {
  it('deploys v1.0.1: app serves it, migration applied once, one backup of each kind, exports complete', async () => {
    demo = await freshDemo();
    const result = await deploy(demo, 'v1.0.1', { CVD_TUI_TEST_PASSWORD: 'test_password' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const id of RUNBOOK_STEP_IDS)
      expect(result.stdout).toMatch(new RegExp(`^${id.replace('.', '\\.')} .* succeeded `, 'm'));

    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.1');
    // migration_v1.0.1.sql adds a column: applied twice it would fail, applied never the column is missing.
    expect(
      demo.sql("SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'firmware'"),
    ).toBe('1');
    const backups = readdirSync(join(demo.dir, 'backups'));
    expect(backups.filter((f) => /^pre_deploy_.*\.db$/.test(f))).toHaveLength(1);
    expect(backups.filter((f) => /^app_backup_.*\.tar\.gz$/.test(f))).toHaveLength(1);

    const json = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);
    expect(json.status).toBe('succeeded');
    expect(json.versionFrom).toBe('v1.0.0');
    expect(json.versionTo).toBe('v1.0.1');
    expect(
      json.steps
        .filter((s: { id: string }) => !s.id.startsWith('R.'))
        .map((s: { id: string; status: string }) => [s.id, s.status]),
    ).toEqual(RUNBOOK_STEP_IDS.map((id) => [id, 'succeeded']));
    expect(json.checklist).toHaveLength(12);
    expect(
      json.checklist.every(
        (c: { checked: boolean; by: string }) => c.checked && c.by.includes('confirmed by flag'),
      ),
    ).toBe(true);

    const md = (await runCli(['export', '--format', 'md', ...demo.flags])).stdout;
    for (const field of [
      'Date',
      'Operator',
      'Version Deployed',
      'Duration',
      'Issues Encountered',
      'Resolution',
      'Verification Status',
    ])
      expect(md).toMatch(new RegExp(`^- ${field}: \\S`, 'm'));
    expect(md).toContain('- Verification Status: VERIFIED');
    expect(md).not.toContain('test_password');
  });

  it('deploying v1.0.2 stops at 3.2 with exit 1; rollback brings back v1.0.0 and the database as it was', async () => {
    demo = await freshDemo();
    const before = demo.dbDigest();
    const failed = await deploy(demo, 'v1.0.2');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^3\.2 .* failed .*health\/database/m);
    expect(failed.stdout).not.toMatch(/^3\.3 /m);
    expect(failed.stdout).toContain(`${INVOKED} resume`);
    expect((await demo.appGet('/health/database')).status).toBe(500);

    const rollback = await runCli(['rollback', '--headless', ...demo.flags]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toMatch(/^R\.3 .* succeeded .*database restored/m);
    expect(JSON.parse((await demo.appGet('/health')).body).version).toBe('v1.0.0');
    expect((await demo.appGet('/health/database')).status).toBe(200);
    expect(demo.dbDigest()).toBe(before);
    // The database as it was at rollback time is kept, so writes since the backup can be recovered.
    expect(readdirSync(join(demo.dir, 'backups')).some((f) => f.startsWith('pre_rollback_'))).toBe(
      true,
    );

    const json = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);
    expect(json.status).toBe('rolled_back');
    expect(json.steps.find((s: { id: string }) => s.id === '3.2').status).toBe('failed');
    expect(
      json.steps
        .filter((s: { id: string }) => s.id.startsWith('R.'))
        .every((s: { status: string }) => s.status === 'succeeded'),
    ).toBe(true);
  });

  it('a rollback after a deploy without migration keeps the database (no silent loss of writes)', async () => {
    demo = await freshDemo();
    expect((await deploy(demo, 'v1.0.1')).code).toBe(0);
    // Deploy v1.0.1 again: no tag lies between it and itself, so no migration runs.
    const again = await deploy(demo, 'v1.0.1');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^2\.3 .*no migration required/m);
    demo.sql(
      "INSERT INTO devices (serial, name, location) VALUES ('CVD-9999', 'written after the backup', 'lab')",
    );
    const rollback = await runCli(['rollback', '--headless', ...demo.flags]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toMatch(/^R\.3 .*database kept/m);
    expect(demo.sql("SELECT COUNT(*) FROM devices WHERE name = 'written after the backup'")).toBe(
      '1',
    );
  });

  it('refuses a hostile or unknown version with exit 2 before any command runs', async () => {
    demo = await freshDemo();
    for (const version of ['$(touch /tmp/cvd-canary)', 'v1.0.1;id', '--upload-pack=x', 'v9.9.9']) {
      const result = await deploy(demo, version);
      expect(result.code, version).toBe(2);
      expect(result.stdout).not.toMatch(/^1\.1 /m);
    }
    expect(existsSync('/tmp/cvd-canary')).toBe(false);
    expect(readdirSync(join(demo.dir, 'deployments'))).toEqual([]);
    expect((await runCli(['history', ...demo.flags])).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a second deployment while one is unfinished, naming how to resume it', async () => {
    demo = await freshDemo();
    expect((await deploy(demo, 'v1.0.2')).code).toBe(1);
    const second = await deploy(demo, 'v1.0.1');
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/unfinished[\s\S]*node bin\/cvd-tui\.js resume/);
    expect(readFileSync(join(demo.dir, 'config', '.env'), 'utf8')).toContain('PORT=');
  });
});
