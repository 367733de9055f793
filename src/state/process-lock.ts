import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { processAlive } from '../engine/lock.js';

export class StateBusy extends Error {}

/**
 * One cvd-tui process at a time drives deployments from a state database:
 * `<state>.lock` holds the owner's pid (created exclusively). A lock whose
 * process is gone is taken over; this is safe because the pid is local.
 */
export function lockStateFile(statePath: string): () => void {
  const file = `${statePath}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      const release = () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid))
        throw new StateBusy(
          `another cvd-tui (pid ${pid}) is working with ${statePath}; wait for it or stop it first`,
        );
      unlinkSync(file);
    }
  }
  throw new StateBusy(`could not lock ${statePath}`);
}
