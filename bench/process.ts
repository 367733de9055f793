import { spawn } from 'node:child_process';
import { BIN, ROOT, cleanEnv } from './paths.js';
import { median, sample, type Sample } from './stats.js';

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

/** cvd-tui's measure beside a baseline's, each the median of runs taken alternately, and their ratio. */
export interface Versus {
  cvdTui: Sample;
  baseline: Sample;
  /** cvd-tui's median ÷ the baseline's. */
  ratio: number;
}

/**
 * Measures cvd-tui and its baseline in turn, `runs` times each after one
 * uncounted pair (it warms the disk cache, as any launch after the first has
 * it): both sides see the same load, so their ratio means something on a busy machine.
 */
export async function alternately(
  runs: number,
  cvdTui: () => Promise<number>,
  baseline: () => Promise<number>,
  log: (line: string) => void,
): Promise<Versus> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const a = await cvdTui();
    const b = await baseline();
    if (i === 0) continue;
    ours.push(a);
    theirs.push(b);
    log(`  run ${i}: ${a.toFixed(0)} ms vs. ${b.toFixed(0)} ms`);
  }
  return {
    cvdTui: sample(ours, 0),
    baseline: sample(theirs, 0),
    ratio: Number((median(ours) / median(theirs)).toFixed(2)),
  };
}
