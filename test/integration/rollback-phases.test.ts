/**
 * A failure in each phase, then `rollback --headless`: code (git HEAD), the
 * database (digest of its full dump) and the configuration (.env and the
 * service unit) must be exactly as they were before the deployment. One demo
 * target serves every phase: each rollback leaves it as it found it, which is
 * the point; the phases that leave a mark on it run last.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, headlessDeploy } from '../helpers/cli.js';
import { crashHook, shortLogWindow, stageEnvChange, type CrashHook } from '../helpers/crash.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle;
let hook: CrashHook;

beforeAll(async () => {
  demo = await freshDemo();
  shortLogWindow(demo.configPath);
  hook = crashHook(demo.dir);
  // Phases 3–5 fail after 2.4 replaced .env and the unit file: both must come back too.
  stageEnvChange(demo.dir);
  const unit = readFileSync(join(demo.dir, 'etc', 'cvd.service'), 'utf8');
  writeFileSync(
    join(demo.dir, 'config', 'cvd.service.new'),
    unit.replace('Description=CVD demo app', 'Description=CVD demo app (new unit)'),
  );
});
afterAll(async () => {
  hook?.cleanup();
  await demo?.cleanup();
});

const file = (...path: string[]) => readFileSync(join(demo.dir, ...path), 'utf8');

function snapshot() {
  return {
    head: execFileSync('git', ['-C', join(demo.dir, 'app'), 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
    }).trim(),
    database: demo.dbDigest(),
    env: file('config', '.env'),
    unit: file('etc', 'cvd.service'),
  };
}

function setThreshold(key: string, value: number | undefined): void {
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  config.targets.demo.thresholds = { ...config.targets.demo.thresholds, [key]: value };
  writeFileSync(demo.configPath, JSON.stringify(config, null, 2));
}

const deploy = (version: string) => runCli(headlessDeploy(version, ...demo.flags));
const rollback = () => runCli(['rollback', '--headless', ...demo.flags]);

/** Deploys `version` expecting it to stop at `step`, rolls back, and checks the target is as before. */
async function failThenRollBack(
  version: string,
  step: string,
  because: RegExp,
  run = () => deploy(version),
) {
  const before = snapshot();
  const failed = await run();
  expect(failed.code, failed.stdout + failed.stderr).toBe(1);
  expect(failed.stdout).toMatch(
    new RegExp(`^${step.replace('.', '\\.')} .* failed .*${because.source}`, 'm'),
  );
  const rolled = await rollback();
  expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
  expect(rolled.stdout).toMatch(/^R\.7 .* succeeded /m);
  expect(snapshot()).toEqual(before);
  expect((await demo.appGet('/health/database')).status).toBe(200);
  return { out: rolled.stdout, failed };
}

describe('rollback after a failure in each phase restores code, database and configuration', () => {
  it('phase 3: v1.0.2 fails its health check (3.2)', async () => {
    const { out } = await failThenRollBack('v1.0.2', '3.2', /health\/database/);
    expect(out).toMatch(/^R\.3 .*database restored/m);
    expect(out).toMatch(/^R\.4 .*\.env restored/m);
    expect(out).toMatch(/^R\.5 .*unit restored/m);
  }, 60_000);

  it('phase 4: a response slower than the limit fails the performance baseline (4.2)', async () => {
    setThreshold('maxResponseMs', 0.001);
    try {
      const { out } = await failThenRollBack('v1.0.1', '4.2', /a response took/);
      expect(out).toMatch(/^R\.3 .*database restored/m);
    } finally {
      setThreshold('maxResponseMs', undefined);
    }
  }, 60_000);

  it('phase 5: the service goes down just before the final verification (5.3)', async () => {
    // Paused in 5.3 before it reads /health/detailed; the service stops meanwhile.
    const { out } = await failThenRollBack('v1.0.1', '5.3', /final health check/, async () => {
      hook.arm('5.3', 'mid', 'body=');
      const deployment = startCli(headlessDeploy('v1.0.1', ...demo.flags), hook.env);
      const hit = await hook.waitHit();
      execFileSync(join(demo.dir, 'bin', 'cvdctl'), ['stop']);
      hit.release();
      hook.disarm();
      return deployment.done;
    });
    expect(out).toMatch(/^R\.3 .*database restored/m);
  }, 60_000);

  it('phase 2: the migration fails (2.3); the database is restored from the pre-deploy backup', async () => {
    // A hand-made hotfix already added the column: migration_v1.0.1.sql fails on it, inside its transaction.
    demo.sql('ALTER TABLE devices ADD COLUMN firmware TEXT');
    const { out, failed } = await failThenRollBack('v1.0.1', '2.3', /./);
    expect(failed.stderr).toContain('duplicate column name: firmware');
    expect(out).toMatch(/^R\.3 .*database restored/m);
    expect(out).toMatch(/^R\.4 .*\.env unchanged/m);
  }, 60_000);

  it('phase 1: a failed environment check (1.1) leaves nothing to roll back (exit 2), target untouched', async () => {
    const before = snapshot();
    setThreshold('maxDiskUsedPercent', 0);
    const failed = await deploy('v1.0.1');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^1\.1 .* failed .*disk use/m);
    const rolled = await rollback();
    expect(rolled.code).toBe(2);
    expect(rolled.stderr).toMatch(/Nothing to roll back/);
    expect(snapshot()).toEqual(before);
  }, 60_000);
});
