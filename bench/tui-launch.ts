/**
 * 3. Time to first frame, and 5. time to the Resume prompt with a long
 * history: cvd-tui launched in a pty (bench/pty-driver.py), timed from the
 * fork to the first output bytes that show the screen's text, beside Node
 * printing that text in the same pty.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox } from './sandbox.js';
import { alternately, type Versus } from './process.js';
import { runCvdTuiInPty, runInPty, type PtyStep } from './pty.js';
import { seedHistory } from './seed.js';

const shows = (text: string): PtyStep => ({ expect: text, label: 'shown', timeoutMs: 60_000 });

/** ms from launching cvd-tui until `text` is on the pty's screen; then q quits it. */
async function cvdTuiShows(args: string[], text: string): Promise<number> {
  const steps: PtyStep[] = [shows(text), { send: 'q' }, { exit: 'quit' }];
  return (await runCvdTuiInPty(args, steps)).marks.shown!;
}

/** ms from launching Node until the line it prints, `text`, is on the pty's screen. */
async function nodeShows(text: string): Promise<number> {
  const argv = [process.execPath, '-e', `console.log(${JSON.stringify(text)})`];
  return (await runInPty(argv, [shows(text), { exit: 'done' }])).marks.shown!;
}

/**
 * cvd-tui until `text` is on screen, beside Node itself printing the same
 * text in the same pty (alternately): the part of the wait that is cvd-tui's.
 */
function launchVersusNode(
  args: string[],
  text: string,
  runs: number,
  log: (line: string) => void,
): Promise<Versus> {
  return alternately(
    runs,
    () => cvdTuiShows(args, text),
    () => nodeShows(text),
    log,
  );
}

/** ms from launch to the start screen (version picker) on screen, beside Node printing that line. */
export type FirstFrameResult = Versus;

export async function benchFirstFrame(
  runs: number,
  log: (line: string) => void,
): Promise<FirstFrameResult> {
  const demo = await sandbox();
  try {
    return await launchVersusNode(demo.flags, 'Version to deploy', runs, log);
  } finally {
    await demo.cleanup();
  }
}

/** ms from launch to the start screen's Resume choice on screen, beside Node printing that line. */
export interface ResumeResult extends Versus {
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
    const launch = await launchVersusNode(
      ['--config', demo.configPath, '--state', state],
      '▸ Resume',
      runs,
      log,
    );
    return { ...launch, finishedDeployments: history, stateDbMb };
  } finally {
    await demo.cleanup();
  }
}
