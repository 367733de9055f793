import { appendFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startSshd, waitFor, type SshdHandle } from '../test/helpers/sshd.js';

/**
 * The test harness's sshd, told to start sessions with SHLVL=1: the login
 * shell (bash) then counts as nested and does not source ~/.bashrc, which on
 * a developer's machine (pyenv init here: ~0.1 s) would swamp what is
 * measured, cvd-tui's own cost per command. sshd re-reads its config on SIGHUP.
 */
export async function leanSshd(): Promise<SshdHandle> {
  const sshd = await startSshd();
  appendFileSync(join(sshd.dir, 'sshd_config'), 'SetEnv SHLVL=1\n');
  process.kill(sshd.pid, 'SIGHUP');
  await waitFor(() => accepts(sshd.port), 10_000, 'sshd to listen again after SIGHUP');
  return sshd;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
