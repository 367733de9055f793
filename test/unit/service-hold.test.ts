/**
 * The service hold's watcher (`hold_watch`, steps/shell.ts) in real bash,
 * against a stand-in service manager whose state and main PID are files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { serviceQueryFunctions } from '../../src/steps/shell.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cvd-hold-'));
  // Counts its queries, so a test can change the state once the watcher has polled.
  writeFileSync(
    join(dir, 'ctl'),
    [
      '#!/usr/bin/env bash',
      `d=${JSON.stringify(dir)}`,
      'echo x >> "$d/queries"',
      'set_failed() { echo failed > "$d/state.tmp" && mv "$d/state.tmp" "$d/state"; }',
      'case $1 in',
      '  is-active) cat "$d/state"; [ "$(cat "$d/state")" = active ] ;;',
      // `gone`: the main process has ended, and the manager says failed from the next query on.
      '  show) p=$(cat "$d/pid"); [ "$p" != gone ] && echo "$p" || set_failed ;;',
      'esac',
    ].join('\n'),
    { mode: 0o755 },
  );
  set('state', 'active');
  set('pid', '4242');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Atomically (a rename): the watcher may be reading the file. */
const set = (file: string, value: string) => {
  writeFileSync(join(dir, `${file}.tmp`), `${value}\n`);
  renameSync(join(dir, `${file}.tmp`), join(dir, file));
};
const queries = () => {
  try {
    return readFileSync(join(dir, 'queries'), 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

/** Runs `hold_watch SECONDS "$(main_pid)"`; resolves with what it printed and how long it took. */
function holdWatch(seconds: number): Promise<{ verdict: string; ms: number }> {
  const target = withDefaults({ transport: 'local', useSudo: false, serviceCtl: join(dir, 'ctl') });
  const script = `${serviceQueryFunctions(target)}\nhold_watch ${seconds} "$(main_pid)"`;
  const began = Date.now();
  const child = spawn('bash', ['-c', script]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  return new Promise((done) =>
    child.on('close', () => done({ verdict: out.trim(), ms: Date.now() - began })),
  );
}

describe('hold_watch', () => {
  it('says held once the service stayed active with its PID for the whole time, not sooner', async () => {
    const { verdict, ms } = await holdWatch(1);
    expect(verdict).toBe('held');
    expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it('says left STATE as soon as the service is not active', async () => {
    const watching = holdWatch(30);
    await waitFor(() => queries() >= 4);
    set('state', 'failed');
    const { verdict, ms } = await watching;
    expect(verdict).toBe('left failed');
    expect(ms).toBeLessThan(30_000);
  });

  it('says restarted PID when the main PID changed while the state stayed active', async () => {
    const watching = holdWatch(30);
    await waitFor(() => queries() >= 4);
    set('pid', '4343');
    expect((await watching).verdict).toBe('restarted 4343');
  });

  it('says left STATE when the main process ended and the state, read again, caught up', async () => {
    const watching = holdWatch(30);
    await waitFor(() => queries() >= 4);
    set('pid', 'gone');
    expect((await watching).verdict).toBe('left failed');
  });

  it('says restarted none when the main process ended while the state still reads active', async () => {
    const watching = holdWatch(30);
    await waitFor(() => queries() >= 4);
    set('pid', '');
    expect((await watching).verdict).toBe('restarted none');
  });

  it('watches the state alone where the service manager has no main PID', async () => {
    set('pid', '');
    const watching = holdWatch(30);
    await waitFor(() => queries() >= 4);
    set('state', 'inactive');
    expect((await watching).verdict).toBe('left inactive');
  });
});
