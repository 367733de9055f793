import type { Runner, StepReport } from '../engine/runner.js';
import { stepTitle } from '../steps/index.js';
import { EXIT } from '../util/exit.js';
import { err as stderr, out as stdout } from '../util/out.js';
import { cli } from '../util/invocation.js';

const TAIL_LINES = 15;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** How often a step that is still going says so: a hung command must not look like a hung cvd-tui. */
const STILL_RUNNING_MS = 10_000;

/**
 * The line printer of `--headless`: one line per step (id, title, status,
 * duration, and what was verified or what failed), a "still running" line
 * every STILL_RUNNING_MS while a step goes on, and the last lines of a failed
 * step's output on stderr so a CI log shows why. That output comes before the
 * step's own line: a script's closing "completed successfully" must never be
 * the last word on a step that failed.
 */
export function printSteps(
  runner: Pick<Runner, 'on'>,
  out: Pick<typeof stdout, 'write'> = stdout,
  err: Pick<typeof stderr, 'write'> = stderr,
  everyMs = STILL_RUNNING_MS,
): () => void {
  const recent: string[] = [];
  let ticker: NodeJS.Timeout | undefined;
  const stopTicking = () => {
    clearInterval(ticker);
    ticker = undefined;
  };
  // Also for a step a resume follows to its end, which announces no start: its first line starts the clock.
  const startTicking = (stepId: string) => {
    const started = Date.now();
    ticker = setInterval(
      () =>
        out.write(
          `${stepId.padEnd(4)} still running (${Math.round((Date.now() - started) / 1000)} s)\n`,
        ),
      everyMs,
    );
    ticker.unref();
  };
  const unsubscribe = runner.on((event) => {
    if (event.type === 'step-start') {
      recent.length = 0;
      stopTicking();
      startTicking(event.stepId);
    }
    if (event.type === 'line') {
      if (!ticker) startTicking(event.stepId);
      recent.push(event.line);
      if (recent.length > TAIL_LINES) recent.shift();
    }
    if (event.type === 'warning') return void err.write(`warning: ${event.message}\n`);
    if (event.type !== 'step-end') return;
    stopTicking();
    const title = stepTitle(event.stepId);
    if (event.status === 'failed' && recent.length)
      err.write(recent.map((l) => `     | ${l}\n`).join(''));
    recent.length = 0;
    out.write(
      `${event.stepId.padEnd(4)} ${title.padEnd(44)} ${event.status.padEnd(9)} ${seconds(event.durationMs).padStart(7)}  ${event.summary}\n`,
    );
    for (const warning of event.warnings) out.write(`     warning: ${warning}\n`);
  });
  return () => {
    stopTicking();
    unsubscribe();
  };
}

/**
 * A writer that puts `prefix` before every line written through it (a
 * fleet's host name): printSteps' lines then say which host they are from.
 */
export function prefixed(
  writer: Pick<typeof stdout, 'write'>,
  prefix: string,
): Pick<typeof stdout, 'write'> {
  return { write: (text: string) => writer.write(prefixLines(text, prefix)) };
}

/** `text` with `prefix` before each of its non-empty lines. */
export const prefixLines = (text: string, prefix: string): string =>
  text.replace(/^(?=.)/gm, prefix);

/** Exit code and closing advice for how a run ended. */
export function finish(runner: Runner, report: StepReport | undefined, out = stdout): number {
  const d = runner.deployment;
  if (d.status === 'succeeded' || d.status === 'rolled_back') {
    out.write(`Deployment ${d.id}: ${runner.outcome().summary}\n`);
    return EXIT.ok;
  }
  const what = report ? `${report.stepId}: ${report.summary}` : 'paused';
  out.write(
    `Deployment ${d.id} paused at ${what}\n` +
      `  Resume:    ${cli(`resume ${d.id}`)}\n` +
      `  Roll back: ${cli(`rollback ${d.id}`)}\n`,
  );
  return EXIT.stepFailed;
}
