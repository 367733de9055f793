/**
 * The journal and the deploy lock on a hardened host, through real sudo: an
 * operator account that may do anything as the app user and nothing else,
 * and a deployments directory inside the app user's 0750 tree. Needs root
 * (CI runs as root) to create and remove the throw-away users and sudoers
 * fragment; skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, followRunning, journalAttempt, journalState } from '../../src/engine/execute.js';
import { journalDir } from '../../src/engine/journal.js';
import { acquireLock, lockDir, releaseLock } from '../../src/engine/lock.js';
import { targetShell } from '../../src/steps/shell.js';
import { withDefaults } from '../../src/config/defaults.js';
import { LocalTransport } from '../../src/transport/local.js';
import { shq } from '../../src/shell/quote.js';
import type { Transport } from '../../src/transport/types.js';
import { processes } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';

const isRoot = process.getuid?.() === 0;
const tag = Math.random().toString(36).slice(2, 8);
const appUser = `cvdapp${tag}`;
const operator = `cvdops${tag}`;
const fragment = `/etc/sudoers.d/cvd-tui-test-${tag}`;
let base = '';

const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8' });
const uid = (user: string) => Number(run('id', ['-u', user]).trim());

/** Commands run as the operator, as an SSH session of theirs would run them. */
function asOperator(): Transport {
  const local = new LocalTransport();
  return {
    description: `${operator}@local`,
    exec: (command, options) =>
      local.exec(`exec runuser -u ${operator} -- bash -c ${shq(command)}`, options),
    close: () => local.close(),
  };
}

function allowOperator(): void {
  writeFileSync(fragment, `${operator} ALL=(${appUser}) NOPASSWD: ALL\n`, { mode: 0o440 });
  run('visudo', ['-cf', fragment]);
}

beforeAll(() => {
  if (!isRoot) return;
  run('useradd', ['--system', '--no-create-home', '--shell', '/bin/bash', appUser]);
  run('useradd', ['--system', '--no-create-home', '--shell', '/bin/bash', operator]);
  allowOperator();
  base = mkdtempSync(join(tmpdir(), 'cvd-hardened-'));
  chmodSync(base, 0o755);
  // The app's tree, as on the server: the app user's, 0750, the operator not in its group.
  run('install', ['-d', '-o', appUser, '-g', appUser, '-m', '0750', join(base, 'opt')]);
});

afterAll(() => {
  if (!isRoot) return;
  rmSync(fragment, { force: true });
  if (base) rmSync(base, { recursive: true, force: true });
  for (const user of [operator, appUser]) {
    try {
      run('userdel', [user]);
    } catch {
      // Never created (a failed beforeAll).
    }
  }
});

describe.skipIf(!isRoot)('journal and lock on a hardened host, through real sudo', () => {
  const target = () =>
    withDefaults({
      transport: 'local',
      useSudo: true,
      appUser,
      paths: { deployments: join(base, 'opt', 'deployments') },
    });
  const script = (...lines: string[]) =>
    targetShell(withDefaults({ transport: 'local', useSudo: true, appUser })).script(...lines);

  it('runs the step as the operator; every journal file is the app user’s and only theirs', async () => {
    const dir = journalDir(target().paths.deployments, 'dep1', '2.2', 1);
    const lines: string[] = [];
    const execution = await execute(
      asOperator(),
      target(),
      script(
        'echo "running as $(id -un)"',
        'fact who "$(id -un)"',
        `fact appSays "$(sudo -n -u ${appUser} id -un)"`,
        "echo 'CVD-FACT who=root'",
        'exit 5',
      ),
      { journal: dir, timeoutMs: 60_000, onLine: (line) => lines.push(line) },
    );
    expect(execution).toMatchObject({
      kind: 'exited',
      code: 5,
      facts: { who: operator, appSays: appUser },
    });
    expect(lines).toContain(`running as ${operator}`);
    for (const path of [
      target().paths.deployments,
      dir,
      ...readdirSync(dir).map((f) => join(dir, f)),
    ]) {
      const stat = statSync(path);
      expect({ path, uid: stat.uid }).toEqual({ path, uid: uid(appUser) });
      expect({ path, others: stat.mode & 0o077 }).toEqual({ path, others: 0 });
    }
    expect(readdirSync(dir).sort()).toEqual(['nonce', 'out', 'pid', 'rc', 'script.sh']);
    // What resume and recover read, as the operator, through the app user.
    expect(await journalState(asOperator(), target(), dir)).toMatchObject({
      kind: 'finished',
      code: 5,
    });
    expect(await journalAttempt(asOperator(), target(), dir)).toMatchObject({
      exitCode: 5,
      facts: { who: operator, appSays: appUser },
    });
  });

  it('sees a running step as running, and a reattached follower reads it to its end', async () => {
    const dir = journalDir(target().paths.deployments, 'dep1', '2.3', 1);
    const release = join(base, 'release');
    const started = execute(
      asOperator(),
      target(),
      script('fact phase started', `until [ -e ${shq(release)} ]; do sleep 0.05; done`, 'exit 0'),
      { journal: dir, timeoutMs: 60_000, onLine: () => undefined },
    );
    await waitFor(
      async () => (await journalState(asOperator(), target(), dir))?.kind === 'running',
    );
    // Another run (a resume) follows the same attempt: it learns the attempt's nonce from the journal.
    const seen: string[] = [];
    const reattached = followRunning(asOperator(), target(), dir, {
      timeoutMs: 60_000,
      onLine: (line) => seen.push(line),
    });
    await waitFor(() => seen.includes('CVD-FACT phase=started'));
    writeFileSync(release, '');
    for (const execution of [await started, await reattached])
      expect(execution).toMatchObject({ kind: 'exited', code: 0, facts: { phase: 'started' } });
  });

  it('a follower that gives up leaves no tail behind, while the step goes on', async () => {
    const dir = journalDir(target().paths.deployments, 'dep1', '3.1', 1);
    const release = join(base, 'release-3.1');
    const out = join(dir, 'out');
    const following = () => processes().some((p) => p.cmdline.includes(`-f ${out}`));
    let followed = false;
    const execution = await execute(
      asOperator(),
      target(),
      script('echo waiting', `until [ -e ${shq(release)} ]; do sleep 0.05; done`),
      { journal: dir, timeoutMs: 1_500, onLine: () => (followed ||= following()) },
    );
    expect(execution.kind).toBe('unsettled');
    expect(followed).toBe(true);
    // tail runs as the app user, under sudo: the operator's TERM must still reach it.
    await waitFor(() => !following());
    expect((await journalState(asOperator(), target(), dir))?.kind).toBe('running');
    writeFileSync(release, '');
    await waitFor(
      async () => (await journalState(asOperator(), target(), dir))?.kind === 'finished',
    );
  });

  it('takes and releases the deploy lock as the app user', async () => {
    const token = {
      deploymentId: 'dep1',
      operator,
      jumpHost: 'here',
      pid: process.pid,
      since: new Date(0).toISOString(),
    };
    expect(await acquireLock(asOperator(), target(), token)).toEqual({ kind: 'acquired' });
    expect(statSync(lockDir(target().paths.deployments)).uid).toBe(uid(appUser));
    expect(
      await acquireLock(asOperator(), target(), { ...token, deploymentId: 'dep2' }),
    ).toMatchObject({
      kind: 'held',
      holder: { deploymentId: 'dep1' },
    });
    await releaseLock(asOperator(), target(), 'dep1');
    expect(() => statSync(lockDir(target().paths.deployments))).toThrow();
  });

  it('without the sudoers rule, the step fails at once, saying so, and never starts', async () => {
    rmSync(fragment);
    try {
      const dir = journalDir(target().paths.deployments, 'dep1', '1.3', 1);
      const execution = await execute(asOperator(), target(), script('echo must not run'), {
        journal: dir,
        timeoutMs: 60_000,
        onLine: () => undefined,
      });
      expect(execution).toMatchObject({ kind: 'exited', code: 97 });
      expect(execution.output).toMatch(/sudo/);
      expect(execution.output).not.toMatch(/must not run/);
    } finally {
      allowOperator();
    }
  });
});
