/**
 * 3. Time to first frame, and 5. time to the Resume prompt with a long
 * history: cvd-tui launched in a pty (bench/pty-driver.py), timed from the
 * fork to the first output bytes that show the screen's text. A first,
 * uncounted run warms the disk cache, as any launch after the first has it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox } from './sandbox.js';
import { runCvdTuiInPty } from './pty.js';
import { seedHistory } from './seed.js';
import { sample, type Sample } from './stats.js';

/** Per run (after one warm-up): ms from launch until `text` is on screen, and the CPU ms cvd-tui had used by then. */
async function timeToScreen(
  args: string[],
  text: string,
  runs: number,
  log: (line: string) => void,
): Promise<{ ms: number[]; cpuMs: number[] }> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const result = await runCvdTuiInPty(args, [
      { expect: text, label: 'shown', timeoutMs: 60_000 },
      { send: 'q' },
      { exit: 'quit' },
    ]);
    if (i === 0) continue;
    ms.push(result.marks.shown!);
    cpuMs.push(result.cpu.shown!);
    log(
      `  run ${i}: ${result.marks.shown!.toFixed(0)} ms (cvd-tui's own CPU time by then: ${result.cpu.shown!.toFixed(0)} ms)`,
    );
  }
  return { ms, cpuMs };
}

export interface FirstFrameResult {
  /** ms from launch to the start screen (version picker) on screen. */
  ms: Sample;
  /** CPU time (user + system, all threads) cvd-tui had used by then: what load does not inflate much. */
  cpuMs: Sample;
}

export async function benchFirstFrame(
  runs: number,
  log: (line: string) => void,
): Promise<FirstFrameResult> {
  const demo = await sandbox();
  try {
    const { ms, cpuMs } = await timeToScreen(demo.flags, 'Version to deploy', runs, log);
    return { ms: sample(ms, 0), cpuMs: sample(cpuMs, 0) };
  } finally {
    await demo.cleanup();
  }
}

export interface ResumeResult {
  /** ms from launch to the start screen's Resume choice on screen. */
  ms: Sample;
  cpuMs: Sample;
  finishedDeployments: number;
  stateDbMb: number;
}

export async function benchResume(
  runs: number,
  history: number,
  log: (line: string) => void,
): Promise<ResumeResult> {
  const demo = await sandbox();
  try {
    const state = join(demo.dir, 'history.db');
    const seeding = performance.now();
    const { unfinishedId } = seedHistory(state, 'demo', history);
    const stateDbMb = Number((statSync(state).size / 2 ** 20).toFixed(1));
    log(
      `  seeded ${history} finished deployments + ${unfinishedId} (unfinished), ${stateDbMb} MB, in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    const { ms, cpuMs } = await timeToScreen(
      ['--config', demo.configPath, '--state', state],
      '▸ Resume',
      runs,
      log,
    );
    return { ms: sample(ms, 0), cpuMs: sample(cpuMs, 0), finishedDeployments: history, stateDbMb };
  } finally {
    await demo.cleanup();
  }
}
