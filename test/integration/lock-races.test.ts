/**
 * Races on both locks, with real processes: the state-file lock taken over
 * from a killed holder by 100 processes at once, and the target's deploy
 * lock taken by many deployments at once (real bash through the local
 * transport), including a lock caught while it is being created.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { acquireLock, THIS_RUN, type LockToken } from '../../src/engine/lock.js';
import { LocalTransport } from '../../src/transport/local.js';
import { waitFor } from '../helpers/wait.js';

const PROCESS_LOCK = fileURLToPath(new URL('../../dist/state/process-lock.js', import.meta.url));

/** A process that tries the state lock once, says how it went, and holds what it got until its stdin closes. */
function contender(statePath: string): { child: ChildProcess; said: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { lockStateFile } = await import(${JSON.stringify(PROCESS_LOCK)});
       try { lockStateFile(process.argv[1]); console.log('won'); }
       catch (e) { console.log(e.constructor.name + ': ' + e.message); }
       process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`,
      statePath,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  return { child, said: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the state-file lock', () => {
  it('100 processes taking over a killed holder at once: exactly one wins, none crashes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-state-lock-'));
    const state = join(dir, 'state.db');
    const holder = contender(state);
    await waitFor(() => holder.said().includes('won'));
    holder.child.kill('SIGKILL'); // the stale holder: gone without releasing anything
    await exited(holder.child);

    const all = Array.from({ length: 100 }, () => contender(state));
    try {
      await waitFor(() => all.every((c) => c.said().includes('\n')), 280_000, 100);
      const said = all.map((c) => c.said().trim());
      expect(said.filter((s) => s === 'won')).toHaveLength(1);
      const lost = said.filter((s) => s !== 'won');
      expect(lost).toHaveLength(99);
      for (const s of lost)
        expect(s).toMatch(/^StateBusy: another cvd-tui (\(pid \d+\) )?is working with /);
    } finally {
      for (const c of all) c.child.stdin!.end();
    }
    expect(await Promise.all(all.map((c) => exited(c.child)))).toEqual(all.map(() => 0));
  }, 300_000);

  it('is free again once its holder is gone, and says who holds it while held', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-state-lock-'));
    const state = join(dir, 'state.db');
    const first = contender(state);
    await waitFor(() => first.said().includes('\n'));
    const second = contender(state);
    await waitFor(() => second.said().includes('\n'));
    expect(second.said()).toContain(`another cvd-tui (pid ${first.child.pid}) is working with`);
    first.child.stdin!.end();
    second.child.stdin!.end();
    await Promise.all([exited(first.child), exited(second.child)]);
    const third = contender(state);
    await waitFor(() => third.said().includes('\n'));
    expect(third.said().trim()).toBe('won');
    third.child.stdin!.end();
    await exited(third.child);
  });
});

describe("the target's deploy lock", () => {
  const transport = new LocalTransport();
  const setup = () => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-deploy-lock-'));
    const deployments = join(dir, 'deployments');
    return withDefaults({ transport: 'local', useSudo: false, paths: { deployments } });
  };
  const token = (deploymentId: string, extra: Partial<LockToken> = {}): LockToken => ({
    deploymentId,
    run: THIS_RUN,
    operator: 'op',
    jumpHost: 'here',
    pid: process.pid,
    since: new Date().toISOString(),
    ...extra,
  });

  it('20 deployments at once: one acquires, every other sees the holder named (never a half-made lock)', async () => {
    const target = setup();
    for (let round = 0; round < 5; round++) {
      rmSync(target.paths.deployments, { recursive: true, force: true });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          acquireLock(transport, target, token(`20260101_00000${round}_${i.toString(16)}`)),
        ),
      );
      const won = results.filter((r) => r.kind === 'acquired');
      expect(won).toHaveLength(1);
      const winner = results.indexOf(won[0]!);
      for (const r of results.filter((r) => r.kind === 'held'))
        expect(r.kind === 'held' && r.holder?.deploymentId).toBe(
          `20260101_00000${round}_${winner.toString(16)}`,
        );
    }
  });

  it('refuses a second runner of the same deployment while the first is alive; takes back a dead one', async () => {
    const target = setup();
    const id = '20260101_000000_ab';
    expect((await acquireLock(transport, target, token(id))).kind).toBe('acquired');
    // Same deployment, same run (a resume in this process): refreshed.
    expect((await acquireLock(transport, target, token(id))).kind).toBe('acquired');
    // Same deployment, another run (a copied state database), the first alive.
    const copy = await acquireLock(transport, target, token(id, { run: 'other' }));
    expect(copy).toMatchObject({ kind: 'held', stale: false, holder: { deploymentId: id } });
    // The first run's process is gone (this jump host can tell): the deployment takes its lock back.
    const dead = await acquireLock(
      transport,
      target,
      token(id, { run: 'other' }),
      false,
      () => false,
    );
    expect(dead).toEqual({ kind: 'acquired' });
  });

  it('reports a lock that has no owner yet as held, not as a failure', async () => {
    const target = setup();
    mkdirSync(join(target.paths.deployments, '.lock'), { recursive: true });
    const result = await acquireLock(transport, target, token('20260101_000000_cd'));
    expect(result).toEqual({ kind: 'held', holder: undefined, stale: false });
  });
});
