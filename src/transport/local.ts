import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { LineSplitter } from './lines.js';
import { GIVE_UP_GRACE_MS } from './process-group.js';
import type { ExecOptions, ExecOutcome, ExecResult, Transport } from './types.js';

/** Runs commands with bash on this machine: the demo target, and tests. */
export class LocalTransport implements Transport {
  readonly description = 'local';

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted)
      return Promise.resolve({ outcome: { kind: 'aborted' }, output: '' });
    return new Promise((resolve) => {
      // Its own process group, so giving up ends the command's children too (a
      // curl waiting 10 s would otherwise hold the pipes open after bash died).
      const child = spawn('bash', ['-c', command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      const splitters = (['stdout', 'stderr'] as const).map((stream) => {
        const splitter = new LineSplitter((line) => options.onLine?.(line, stream));
        child[stream].setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          splitter.push(chunk);
        });
        return splitter;
      });
      let settled = false;
      let givingUp = false;
      const finish = (outcome: ExecOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
        for (const s of splitters) s.flush();
        resolve({ outcome, output });
      };
      const giveUp = (outcome: ExecOutcome) => {
        if (settled || givingUp) return;
        givingUp = true;
        void endGroup(child.pid).then(() => finish(outcome));
      };
      const abort = () => giveUp({ kind: 'aborted' });
      options.signal?.addEventListener('abort', abort, { once: true });
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => giveUp({ kind: 'timeout', afterMs: options.timeoutMs! }),
              options.timeoutMs,
            );
      child.on('error', (error) => finish({ kind: 'lost', reason: error.message }));
      child.on('close', (code, signal) => {
        if (!givingUp)
          finish({ kind: 'exited', code: code ?? (signal ? 128 + signalNumber(signal) : 1) });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}

/** TERM to the command's group, KILL to what is left after the grace; resolves once nothing is left. */
async function endGroup(pgid: number | undefined): Promise<void> {
  if (!pgid) return;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!send(pgid, signal)) return;
    const deadline = Date.now() + GIVE_UP_GRACE_MS;
    while (Date.now() < deadline) {
      if (!groupAlive(pgid)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** False when the group is gone. */
function send(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a live member of the group is left. Read from /proc where there is
 * one, because kill(-pgid, 0) also counts zombies that no one has reaped yet.
 */
function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return send(pgid, 0);
  }
  return entries.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm (field 2) is in parentheses and may itself hold spaces or ')'.
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return state !== 'Z' && Number(group) === pgid;
    } catch {
      return false; // exited while we looked
    }
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (signal: string) => SIGNALS[signal] ?? 0;
