/** Throw-away local accounts for tests run as root, removed with everything they still run. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';

/** Creates `name` (and its own group) with useradd's `args`; returns its removal. */
export function addUser(name: string, args: string[]): () => void {
  execFileSync('useradd', [...args, '--user-group', name], { stdio: 'pipe' });
  return () => removeUser(name);
}

/** Ends what the user still runs (each by pid: this test started them), then removes it and its group. */
function removeUser(name: string): void {
  const uid = execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (String(statSync(`/proc/${pid}`).uid) === uid) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  execFileSync('userdel', [name], { stdio: 'pipe' });
}
