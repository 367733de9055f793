import { spawn } from 'node:child_process';
import { BIN, ROOT, cleanEnv } from './paths.js';

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (no terminal), timing it from spawn to exit. */
export function timed(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

/** The built cvd-tui, as an operator runs it. */
export const cvdTui = (args: string[]) => timed(process.execPath, [BIN, ...args]);

/** Throws with the command's output when it did not exit 0. */
export function ensureOk(what: string, run: Timed): Timed {
  if (run.code !== 0)
    throw new Error(
      `${what} exited ${run.code}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`,
    );
  return run;
}
