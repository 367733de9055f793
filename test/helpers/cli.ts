import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/cvd-tui.js', import.meta.url));

/** How the built cvd-tui, started as runCli starts it (from this working directory), names itself in hints. */
export const INVOKED = `node ${relative(process.cwd(), BIN)}`;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  pid: number;
  done: Promise<CliResult>;
}

/**
 * Starts the built cvd-tui as a user would (no TTY) without waiting for it,
 * so a test can signal it by pid; `onStdout` sees the output so far as it grows.
 * `asUser` runs it as that local account (through runuser; the pid is runuser's).
 */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  onStdout?: (soFar: string) => void,
  asUser?: string,
): RunningCli {
  const argv = [process.execPath, BIN, ...args];
  const [file, ...rest] = asUser ? ['runuser', '-u', asUser, '--', ...argv] : argv;
  const child = spawn(file!, rest, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    onStdout?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done };
}

/** Runs the built cvd-tui to its end. */
export const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  startCli(args, env).done;

/**
 * The arguments of a deployment as automation runs it: headless, every
 * checklist item confirmed by flag. `flags`: `--config … --state …` and any others.
 */
export const headlessDeploy = (version: string, ...flags: string[]): string[] => [
  'deploy',
  '--version',
  version,
  '--headless',
  '--confirm-all',
  ...flags,
];
