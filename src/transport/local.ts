import { spawn } from 'node:child_process';
import { LineSplitter } from './lines.js';
import type { ExecOptions, ExecResult, Transport } from './types.js';

/** Runs commands with bash on this machine: the demo target, and tests. */
export class LocalTransport implements Transport {
  readonly description = 'local';

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve) => {
      // Its own process group, so a timeout ends the command's children too (a
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
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              killGroup(child.pid);
              finish({ kind: 'timeout', afterMs: options.timeoutMs! });
            }, options.timeoutMs);
      let settled = false;
      const finish = (outcome: ExecResult['outcome']) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const s of splitters) s.flush();
        resolve({ outcome, output });
      };
      child.on('error', (error) => finish({ kind: 'lost', reason: error.message }));
      child.on('close', (code, signal) =>
        finish({ kind: 'exited', code: code ?? (signal ? 128 + signalNumber(signal) : 1) }),
      );
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (signal: string) => SIGNALS[signal] ?? 0;
