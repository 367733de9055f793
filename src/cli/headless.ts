import type { Runner, StepReport } from '../engine/runner.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { EXIT } from './exit.js';
import { err as stderr, out as stdout } from '../util/out.js';

const TITLES = new Map([...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s) => [s.id, s.title]));
const TAIL_LINES = 15;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * The line printer of `--headless`: one line per step (id, title, status,
 * duration, and what was verified or what failed), plus the last lines of a
 * failed step's output on stderr so a CI log shows why.
 */
export function printSteps(runner: Runner, out = stdout, err = stderr): () => void {
  const recent: string[] = [];
  return runner.on((event) => {
    if (event.type === 'step-start') recent.length = 0;
    if (event.type === 'line') {
      recent.push(event.line);
      if (recent.length > TAIL_LINES) recent.shift();
    }
    if (event.type === 'warning') return void err.write(`warning: ${event.message}\n`);
    if (event.type !== 'step-end') return;
    const title = TITLES.get(event.stepId) ?? '';
    out.write(
      `${event.stepId.padEnd(4)} ${title.padEnd(44)} ${event.status.padEnd(9)} ${seconds(event.durationMs).padStart(7)}  ${event.summary}\n`,
    );
    for (const warning of event.warnings) out.write(`     warning: ${warning}\n`);
    if (event.status === 'failed' && recent.length)
      err.write(recent.map((l) => `     | ${l}\n`).join(''));
  });
}

/** Exit code and closing advice for how a run ended. */
export function finish(runner: Runner, report: StepReport | undefined, out = stdout): number {
  const d = runner.deployment;
  if (d.status === 'succeeded' || d.status === 'rolled_back') {
    out.write(`Deployment ${d.id}: ${d.status.replace('_', ' ')}\n`);
    return EXIT.ok;
  }
  const what = report ? `${report.stepId}: ${report.summary}` : 'paused';
  out.write(
    `Deployment ${d.id} paused at ${what}\n` +
      `  Resume:    cvd-tui resume ${d.id}\n` +
      `  Roll back: cvd-tui rollback ${d.id}\n`,
  );
  return EXIT.stepFailed;
}
