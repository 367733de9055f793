/**
 * `cvd-tui --help` to exit beside `node -e 'console.log(1)'`: what cvd-tui's
 * own start-up costs above Node's. Each is short, so more runs than elsewhere.
 */
import { alternately, cvdTui, ensureOk, timed, type Versus } from './process.js';

export async function benchHelp(runs: number, log: (line: string) => void): Promise<Versus> {
  return alternately(
    runs * 4,
    async () => ensureOk('cvd-tui --help', await cvdTui(['--help'])).ms,
    async () => ensureOk('node -e', await timed(process.execPath, ['-e', 'console.log(1)'])).ms,
    log,
  );
}
