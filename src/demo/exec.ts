import { execFile } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** Added to this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin; stdin is closed either way so nothing waits on it. */
  input?: string;
}

/** Runs a program without a shell; rejects with its stderr when it fails. */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = stderr.trim() || stdout.trim() || error.message;
        reject(new Error(`${file} ${args.join(' ')}: ${detail}`));
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}
