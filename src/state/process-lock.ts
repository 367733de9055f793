import { readFileSync, writeFileSync } from 'node:fs';
import { processAlive } from '../util/process.js';
import { openSqlite } from './sqlite.js';

export class StateBusy extends Error {}

/**
 * One cvd-tui process at a time drives deployments from a state database.
 * The lock is an exclusive SQLite lock (a kernel file lock) on `<state>.lock`,
 * held until the process ends: the kernel drops a dead holder's lock, so there
 * is never a stale lock to take over and no takeover race. (A pid file taken
 * over when its pid was gone let two processes win 68 times in 100 and
 * crashed the loser.) The file is never removed: removing it would let one
 * process lock the old file and another a new one.
 *
 * `<state>.lock-holder` names the holder's pid for the refusal message only.
 */
export function lockStateFile(statePath: string): () => void {
  const file = `${statePath}.lock`;
  const holderFile = `${file}-holder`;
  const db = openSqlite(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY') throw new StateBusy(busyMessage(statePath, holderFile));
    if (code === 'SQLITE_NOTADB')
      throw new StateBusy(
        `${file} is not a cvd-tui lock (an older cvd-tui's pid file?): make sure no cvd-tui is running, then remove it`,
      );
    throw error;
  }
  writeFileSync(holderFile, `${process.pid}\n`, { mode: 0o600 });
  const release = () => {
    process.off('exit', release);
    if (db.open) db.close();
  };
  process.once('exit', release);
  return release;
}

function busyMessage(statePath: string, holderFile: string): string {
  let pid = NaN;
  try {
    pid = Number(readFileSync(holderFile, 'utf8').trim());
  } catch {
    // Not written yet: the holder has only just taken the lock.
  }
  const who = Number.isInteger(pid) && pid > 0 && processAlive(pid) ? ` (pid ${pid})` : '';
  return `another cvd-tui${who} is working with ${statePath}; wait for it or stop it first`;
}
