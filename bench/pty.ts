import { spawn } from 'node:child_process';
import { BIN, PTY_DRIVER, ROOT, cleanEnv } from './paths.js';

/** One step of a pty scenario; bench/pty-driver.py runs them in order and times them. */
export type PtyStep =
  /** Waits until the output since the previous expect matches `expect` (a regex); `label` records when. */
  | { expect: string; label?: string; timeoutMs?: number }
  /** Writes one key, `afterMs` (default 100) after the previous step: a key sent the instant a screen changes is lost (STYLE.md). */
  | { send: string; afterMs?: number }
  | { probe: ProbeSpec }
  /** Records VmHWM and VmRSS of cvd-tui under this name. */
  | { memory: string }
  /** Waits for cvd-tui to exit; records its exit code under this name. */
  | { exit: string; timeoutMs?: number };

/**
 * Keypress-to-frame probes: the keys of `cycle` in turn, each timed from its
 * write to the first frame that `shows` its effect, until `until` shows.
 */
export interface ProbeSpec {
  label: string;
  cycle: { send: string; shows: string }[];
  until: string;
  /** Pause before each key. @default 50 */
  gapMs?: number;
  maxMs: number;
  /** @default 10000 */
  keyTimeoutMs?: number;
}

export interface ProbeSample {
  key: string;
  /** Epoch ms, comparable with the state database's timestamps. */
  sentAt: number;
  ms: number;
}

export interface PtyResult {
  pid: number;
  /** Milliseconds from launch to each labelled expect. */
  marks: Record<string, number>;
  /** CPU time (user + system, ms) cvd-tui itself had used at each labelled expect. */
  cpu: Record<string, number>;
  probes: Record<string, ProbeSample[]>;
  memory: Record<string, { hwmKb: number; rssKb: number }>;
  exits: Record<string, number>;
}

/**
 * 3.3's login password comes from the environment, as an operator who does
 * not want to be asked sets it: otherwise the TUI asks for it before its
 * first frame (src/session/secrets.ts).
 */
const PASSWORD = { CVD_TUI_TEST_PASSWORD: 'bench-only-password' };

/** Extra node options for the measured cvd-tui, to profile it: `CVD_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
const NODE_ARGS = (process.env.CVD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Runs `cvd-tui args…` in a 100×30 pty through the scenario; rejects with the last screen when a step fails. */
export function runCvdTuiInPty(
  args: string[],
  steps: PtyStep[],
  size = { cols: 100, rows: 30 },
): Promise<PtyResult> {
  return runInPty([process.execPath, ...NODE_ARGS, BIN, ...args], steps, size);
}

/** Runs any program in a 100×30 pty through the scenario, as cvd-tui is run: a baseline beside it. */
export function runInPty(
  argv: string[],
  steps: PtyStep[],
  size = { cols: 100, rows: 30 },
): Promise<PtyResult> {
  const scenario = { argv, env: cleanEnv(PASSWORD), cwd: ROOT, ...size, steps };
  return new Promise((resolve, reject) => {
    const driver = spawn('python3', [PTY_DRIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    driver.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    driver.on('error', reject);
    driver.on('close', () => {
      let parsed: PtyResult & { error?: string; screen?: string; process?: unknown };
      try {
        parsed = JSON.parse(out) as typeof parsed;
      } catch {
        return reject(new Error(`pty driver printed no result: ${out.slice(0, 500)}`));
      }
      if (parsed.error)
        return reject(
          new Error(
            `${parsed.error}\ncvd-tui: ${JSON.stringify(parsed.process)}\n--- last screen output ---\n${parsed.screen ?? ''}`,
          ),
        );
      resolve(parsed);
    });
    driver.stdin.end(JSON.stringify(scenario));
  });
}
