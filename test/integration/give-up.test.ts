/**
 * When cvd-tui gives up on a command (its timeout, an abort, the operator's
 * Ctrl-C during a read-only step), the command's processes on the target end
 * with it, children included, over a real sshd and on the local transport.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/transport/ssh.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecResult, Transport } from '../../src/transport/types.js';
import { startCli, headlessDeploy } from '../helpers/cli.js';
import { attempts, crashHook, forceBashEnvOverSsh, type CrashHook } from '../helpers/crash.js';
import { freshDemo, sshTargetConfig, type DemoHandle } from '../helpers/demo.js';
import { processes, signal, sshLogin, startSshd, type SshdHandle } from '../helpers/sshd.js';

let sshd: SshdHandle;
let ssh: Transport;
const started: number[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  ssh = await connectSsh(sshLogin(sshd));
});
afterAll(async () => {
  for (const pid of started) signal(pid, 'SIGKILL');
  await ssh?.close();
  await sshd?.stop();
});

const alive = (pids: number[]) => {
  const live = new Set(processes().map((p) => p.pid));
  return pids.filter((pid) => live.has(pid));
};

/**
 * A command that hangs with two children, one of which ignores TERM (so only
 * the KILL after the grace ends it). It prints its own pid and its children's
 * once all three run; `giveUp` is called then.
 */
async function hang(
  transport: Transport,
  giveUp: (controller: AbortController) => void,
  timeoutMs?: number,
): Promise<{ result: ExecResult; pids: number[] }> {
  const controller = new AbortController();
  const pids: number[] = [];
  const result = await transport.exec(
    `sleep 300 & a=$!; bash -c 'trap "" TERM; sleep 300' & b=$!; echo "pids $$ $a $b"; wait`,
    {
      timeoutMs,
      signal: controller.signal,
      onLine: (line) => {
        const match = /^pids (\d+) (\d+) (\d+)$/.exec(line);
        if (!match) return;
        pids.push(...match.slice(1).map(Number));
        started.push(...pids);
        giveUp(controller);
      },
    },
  );
  return { result, pids };
}

describe.each([
  ['ssh', () => ssh],
  ['local', () => new LocalTransport()],
])('giving up on a command over %s', (_name, transport) => {
  it('an abort ends the command and its children, even one that ignores TERM', async () => {
    const { result, pids } = await hang(transport(), (c) => c.abort());
    expect(result.outcome).toEqual({ kind: 'aborted' });
    expect(pids).toHaveLength(3);
    expect(alive(pids)).toEqual([]);
    // The announcement of the process group is not part of the command's output.
    expect(result.output).toMatch(/^pids \d+ \d+ \d+\n$/);
  });

  it('a timeout ends them too; the transport stays usable', async () => {
    const { result, pids } = await hang(transport(), () => undefined, 1500);
    expect(result.outcome).toEqual({ kind: 'timeout', afterMs: 1500 });
    expect(alive(pids)).toEqual([]);
    const after = await transport().exec('echo still here; exit 3');
    expect(after).toEqual({ outcome: { kind: 'exited', code: 3 }, output: 'still here\n' });
  });

  it('an abort before the exec starts runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await transport().exec('echo ran', { signal: controller.signal });
    expect(result).toEqual({ outcome: { kind: 'aborted' }, output: '' });
  });

  it('keeps exit codes, stdin and a signal death as before', async () => {
    expect(await transport().exec('read x; echo "got $x"; exit 4', { stdin: 'in\n' })).toEqual({
      outcome: { kind: 'exited', code: 4 },
      output: 'got in\n',
    });
    expect(await transport().exec('kill -TERM $$')).toEqual({
      outcome: { kind: 'exited', code: 143 },
      output: '',
    });
  });
});

describe('Ctrl-C during a read-only step of a headless deploy over ssh', () => {
  let demo: DemoHandle;
  let hook: CrashHook;
  beforeAll(async () => {
    demo = await freshDemo();
    hook = crashHook(demo.dir);
    forceBashEnvOverSsh(join(sshd.dir, 'authorized_keys'), hook.file);
    sshTargetConfig(demo, sshLogin(sshd));
  });
  afterAll(async () => {
    hook?.cleanup();
    await demo?.cleanup();
  });

  it('exits 130 and leaves no process of the step on the target', async () => {
    // 1.1 hangs in its middle, as a hung `cvdctl status` would.
    hook.arm('1.1', 'mid');
    const cli = startCli(headlessDeploy('v1.0.1', ...demo.flags));
    const hit = await hook.waitHit();
    // This demo's 1.1 only: other tests on the machine run their own.
    const ofStep = () =>
      processes().filter(
        (p) => p.cmdline.includes('=== System Status Check ===') && p.cmdline.includes(demo.dir),
      );
    expect(ofStep().map((p) => p.pid)).toContain(hit.pid);
    process.kill(cli.pid, 'SIGINT');
    const result = await cli.done;
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stderr).toContain('Interrupted (SIGINT): state saved');
    expect(result.stderr).toContain("Ending the read-only step's processes on the target…");
    // Ended before cvd-tui exited, not eventually: no waiting here.
    expect(ofStep()).toEqual([]);
    expect(alive([hit.pid])).toEqual([]);
    // Read-only: resume runs it again.
    expect(attempts(demo.state).pop()).toMatchObject({ step_id: '1.1', status: 'running' });
  });
});
