import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, headlessDeploy } from '../helpers/cli.js';
import { crashHook } from '../helpers/crash.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

function plantLock(d: DemoHandle, token: Record<string, string | number>) {
  const dir = join(d.dir, 'deployments', '.lock');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'owner'),
    Object.entries(token)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
}

describe('deploy lock on the target', () => {
  it('refuses a second concurrent deploy from another jump host (state), naming the holder', async () => {
    demo = await freshDemo();
    // The first deployment held mid-3.2 (a condition, not a delay: a loaded machine once let it finish first).
    const hook = crashHook(demo.dir);
    hook.arm('3.2', 'mid');
    const first = startCli(headlessDeploy('v1.0.1', ...demo.flags), hook.env);
    const hit = await hook.waitHit();
    const second = await runCli(
      headlessDeploy(
        'v1.0.1',
        '--config',
        demo.configPath,
        '--state',
        join(demo.dir, 'other-jump-host.db'),
        '--operator',
        'bob',
      ),
    );
    expect(second.code, second.stdout + second.stderr).toBe(2);
    expect(second.stderr).toMatch(/locked by deployment \S+ by \S+ from/);
    expect(second.stderr).toContain('may still be running');
    hit.release();
    expect((await first.done).code).toBe(0);
    hook.cleanup();
  });

  it('shows a stale lock and takes it over only when asked, recording it', async () => {
    demo = await freshDemo();
    plantLock(demo, {
      deploymentId: 'old_one',
      operator: 'carol',
      jumpHost: hostname(),
      pid: 999_999,
      since: '2026-01-01T00:00:00Z',
    });
    const refused = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stale lock');
    expect(refused.stderr).toContain('carol');
    const taken = await runCli(headlessDeploy('v1.0.1', ...demo.flags, '--take-over-lock'));
    expect(taken.code).toBe(0);
    const log = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);
    expect(log.events.map((e: { type: string }) => e.type)).toContain('lock taken over');
  });

  it('takes over, unasked, a lock left by a deployment this state knows has ended', async () => {
    demo = await freshDemo();
    expect((await runCli(headlessDeploy('v1.0.1', ...demo.flags))).code).toBe(0);
    const ended = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout)
      .id as string;
    // As if cvd-tui died between recording success and releasing the lock.
    plantLock(demo, {
      deploymentId: ended,
      operator: 'root',
      jumpHost: 'elsewhere',
      pid: 1,
      since: '2026-01-01T00:00:00Z',
    });
    const next = await runCli(headlessDeploy('v1.0.2', ...demo.flags));
    expect(next.stderr).not.toContain('locked by');
    expect(next.code).toBe(1); // v1.0.2 fails 3.2: the point is that it ran
  });

  it('releases the lock when the deployment ends, and keeps it while a failed one is paused', async () => {
    demo = await freshDemo();
    expect((await runCli(headlessDeploy('v1.0.2', ...demo.flags))).code).toBe(1);
    expect(readFileSync(join(demo.dir, 'deployments', '.lock', 'owner'), 'utf8')).toContain(
      'deploymentId=',
    );
    const other = await runCli(
      headlessDeploy('v1.0.1', '--config', demo.configPath, '--state', join(demo.dir, 'other.db')),
    );
    expect(other.code).toBe(2);
    expect((await runCli(['rollback', '--headless', ...demo.flags])).code).toBe(0);
    expect(() => readFileSync(join(demo!.dir, 'deployments', '.lock', 'owner'))).toThrow();
  });

  it('reports a lock still being created (no owner yet) as held: exit 2, not a failed step', async () => {
    demo = await freshDemo();
    mkdirSync(join(demo.dir, 'deployments', '.lock'));
    const refused = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('locked by a lock with no owner recorded (being created');
    expect(refused.stderr).not.toContain('no answer');
    // Nothing is left recorded for a deployment the lock refused.
    expect((await runCli(['history', ...demo.flags])).stdout).not.toContain('v1.0.1');
  });

  it('refuses a second runner of the same deployment (a copied state database) while the first runs', async () => {
    demo = await freshDemo();
    const hook = crashHook(demo.dir);
    try {
      hook.arm('2.2', 'mid');
      const first = startCli(headlessDeploy('v1.0.1', ...demo.flags), hook.env);
      const hit = await hook.waitHit();
      const copy = join(demo.dir, 'copied-state.db');
      const live = new Database(demo.state, { readonly: true, fileMustExist: true });
      await live.backup(copy);
      live.close();
      const second = await runCli([
        'resume',
        '--headless',
        '--confirm-all',
        '--config',
        demo.configPath,
        '--state',
        copy,
      ]);
      expect(second.code, second.stdout + second.stderr).toBe(2);
      expect(second.stderr).toContain('Another cvd-tui is running this same deployment');
      expect(second.stdout).not.toMatch(/^2\.2 /m);
      hit.release();
      expect((await first.done).code).toBe(0);
    } finally {
      hook.cleanup();
    }
  });
});
