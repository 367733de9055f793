import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: found upwards from this file, so it is the same from bench/ and its compiled copy in dist/bench/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cvd-tui'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cvd-tui repository above bench/');
    dir = parent;
  }
}

export const ROOT = findRoot();
/** The built binary, run as an operator runs it; CVD_BENCH_BIN measures another build (an A/B comparison). */
export const BIN = process.env.CVD_BENCH_BIN ?? join(ROOT, 'bin', 'cvd-tui.js');
export const RESULTS = join(ROOT, 'bench', 'results.json');
export const RUNBOOK_BY_HAND = join(ROOT, 'bench', 'runbook-by-hand.sh');
export const FLOOR = join(ROOT, 'bench', 'floor.sh');
export const PTY_DRIVER = join(ROOT, 'bench', 'pty-driver.py');

/**
 * The environment every measured process gets: Ink prints only the last
 * frame when it believes it runs in CI (is-in-ci: CI, CONTINUOUS_INTEGRATION,
 * CI_*), and FORCE_COLOR would change what is written.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (
      value !== undefined &&
      key !== 'CI' &&
      key !== 'CONTINUOUS_INTEGRATION' &&
      !key.startsWith('CI_') &&
      key !== 'FORCE_COLOR'
    )
      env[key] = value;
  return { ...env, TERM: 'xterm-256color', ...extra };
}
