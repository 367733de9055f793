/**
 * 1. The whole deployment: `deploy --headless` of v1.0.1 against a fresh demo
 * target, vs. the runbook's own scripts (bench/runbook-by-hand.sh) against an
 * identical fresh one. Runs alternate, so both see the same machine load.
 */
import { sandbox, type Sandbox } from './sandbox.js';
import { RUNBOOK_BY_HAND } from './paths.js';
import { cvdTui, ensureOk, timed } from './process.js';
import { median, sample, type Sample } from './stats.js';

export interface DeployResult {
  cvdTui: Sample;
  runbook: Sample;
  /** median cvd-tui / median runbook. */
  ratio: number;
  /** Seconds per step of cvd-tui's median run, as its headless output printed them. */
  cvdTuiSteps: Record<string, number>;
}

/** Fails unless the app on the demo target now answers as v1.0.1. */
async function expectDeployed(demo: Sandbox, who: string): Promise<void> {
  const version = await demo.appVersion();
  if (version !== 'v1.0.1') throw new Error(`${who}: the app reports ${version}, not v1.0.1`);
}

/** `1.3  Backup Current System   succeeded   0.3s  …` → {'1.3': 0.3} */
export function stepSeconds(stdout: string): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const match of stdout.matchAll(/^(\d\.\d)\s.*?\s(\d+\.\d)s\s/gm))
    steps[match[1]!] = Number(match[2]);
  return steps;
}

export async function benchDeploy(
  runs: { cvdTui: number; runbook: number },
  log: (line: string) => void,
): Promise<DeployResult> {
  const cvd: { ms: number; stdout: string }[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < Math.max(runs.cvdTui, runs.runbook); i++) {
    if (i < runs.cvdTui) {
      const demo = await sandbox();
      try {
        const run = ensureOk(
          'cvd-tui deploy --headless',
          await cvdTui([
            'deploy',
            '--headless',
            '--confirm-all',
            '--version',
            'v1.0.1',
            ...demo.flags,
          ]),
        );
        await expectDeployed(demo, 'cvd-tui');
        cvd.push(run);
        log(`  cvd-tui deploy --headless  run ${i + 1}: ${(run.ms / 1000).toFixed(2)} s`);
      } finally {
        await demo.cleanup();
      }
    }
    if (i < runs.runbook) {
      const demo = await sandbox();
      try {
        const run = ensureOk(
          'runbook-by-hand.sh',
          await timed('bash', [
            RUNBOOK_BY_HAND,
            demo.dir,
            String(demo.appPort),
            String(demo.httpsPort),
          ]),
        );
        if (!run.stdout.includes('Deployment completed successfully'))
          throw new Error(`runbook-by-hand.sh did not complete:\n${run.stdout.slice(-2000)}`);
        await expectDeployed(demo, 'runbook-by-hand.sh');
        byHand.push(run.ms);
        log(`  runbook by hand            run ${i + 1}: ${(run.ms / 1000).toFixed(2)} s`);
      } finally {
        await demo.cleanup();
      }
    }
  }
  const cvdSeconds = cvd.map((r) => r.ms / 1000);
  const middle = [...cvd].sort((a, b) => a.ms - b.ms)[Math.floor(cvd.length / 2)]!;
  return {
    cvdTui: sample(cvdSeconds, 2),
    runbook: sample(
      byHand.map((ms) => ms / 1000),
      2,
    ),
    ratio: Number((median(cvdSeconds) / median(byHand.map((ms) => ms / 1000))).toFixed(3)),
    cvdTuiSteps: stepSeconds(middle.stdout),
  };
}
