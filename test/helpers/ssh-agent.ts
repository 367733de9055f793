import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait.js';

/**
 * A real ssh-agent on `socket`, holding `keys`. The socket file appears
 * before the agent listens on it (bind, then listen): a client in between
 * gets "Connection refused". So wait until `ssh-add -l` reaches it: exit 1
 * ("no identities") is an answer, exit 2 is not.
 */
export async function startSshAgent(socket: string, ...keys: string[]): Promise<ChildProcess> {
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  try {
    await waitFor(() => spawnSync('ssh-add', ['-l'], { env }).status !== 2, 10_000);
    for (const key of keys) {
      const added = spawnSync('ssh-add', ['-q', key], { env, encoding: 'utf8' });
      if (added.status !== 0) throw new Error(`ssh-add ${key}: ${added.stderr}`);
    }
    return agent;
  } catch (error) {
    agent.kill('SIGTERM');
    throw error;
  }
}
