import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessDeploy, runCli } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

/**
 * The change preview on one demo target, in the order an operator meets
 * it: the plan of v1.0.1 over v1.0.0, a real deployment of it, then the
 * same version again (a warning) and v1.0.0 back (a downgrade across
 * v1.0.1's migration, refused headless without --allow-downgrade).
 */
describe('change preview (demo target)', () => {
  let demo: DemoHandle;
  beforeAll(async () => {
    demo = await freshDemo();
  }, 120_000);
  afterAll(async () => demo?.cleanup());

  const plan = (version: string) =>
    runCli(['deploy', '--plan', '--version', version, ...demo.flags]);

  it('heads the plan of v1.0.1 with its commit and migration', async () => {
    const result = await plan('v1.0.1');
    expect(result.code, result.stderr).toBe(0);
    const preview = result.stdout.slice(0, result.stdout.indexOf('Every step'));
    expect(preview).toContain(
      'Change preview: v1.0.0 → v1.0.1 · 1 commit · expected downtime unknown',
    );
    expect(preview).toMatch(/^ {2}\+ [0-9a-f]{7,} Release v1\.0\.1$/m);
    expect(preview).toContain('2.3 migrations: migration_v1.0.1.sql');
    expect(preview).not.toContain('⚠');
    expect(result.stdout.indexOf('Change preview')).toBeLessThan(result.stdout.indexOf('\n1.1  '));
  });

  it('warns about a same-version deploy, with the downtime the last deployment took', async () => {
    const deployed = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain('Change preview: v1.0.0 → v1.0.1');
    const result = await plan('v1.0.1');
    expect(result.stdout).toMatch(/^⚠ same version: v1\.0\.1 is already running/m);
    expect(result.stdout).toMatch(/expected downtime ~\d+ (s|min)/);
  }, 180_000);

  it('refuses a headless downgrade across a migration without --allow-downgrade (exit 2)', async () => {
    const planned = await plan('v1.0.0');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(
      /^✗ downgrade: v1\.0\.0 lacks 1 commit of v1\.0\.1; the database keeps migration_v1\.0\.1\.sql: confirm to deploy \(headless: --allow-downgrade\)$/m,
    );
    const refused = await runCli(headlessDeploy('v1.0.0', ...demo.flags));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --allow-downgrade to deploy it anyway');
    expect(refused.stdout).not.toContain('Deploying v1.0.0');
    // Nothing began: the only deployment on record is v1.0.1's.
    const history = await runCli(['history', ...demo.flags]);
    expect(history.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/ v1\.0\.0 → v1\.0\.1 .* succeeded /),
    ]);
  });
});
