/**
 * Issue 15's goals 1 and 2: what a deployment costs beyond its irreducible
 * work. Each round deploys v1.0.1 to three fresh demo sandboxes, in turn:
 * bench/floor.sh (the work alone, back to back, no checks), `deploy
 * --headless` over the local transport, and the same over a loopback sshd.
 * The ratios are of the medians of the alternated runs.
 */
import { readFileSync } from 'node:fs';
import { sshTargetConfig } from '../test/helpers/demo.js';
import { sshLogin, type SshdHandle } from '../test/helpers/sshd.js';
import { stepSeconds } from './deploy.js';
import { leanSshd } from './lean-sshd.js';
import { FLOOR } from './paths.js';
import { cvdTui, ensureOk, timed } from './process.js';
import { sandbox, type Sandbox } from './sandbox.js';
import { median, sample, type Sample } from './stats.js';

export interface DeployCostResult {
  /** Seconds per run. */
  floor: Sample;
  local: Sample;
  ssh: Sample;
  /** median local / median floor (goal ≤ 1.3). */
  localOverFloor: number;
  /** median ssh / median local (goal ≤ 1.25). */
  sshOverLocal: number;
  /** Commands the ssh deployment ran (sshd's session log), per run. */
  sshCommands: number[];
  /** Seconds per step of the median local and ssh runs, as the headless output printed them. */
  localSteps: Record<string, number>;
  sshSteps: Record<string, number>;
}

interface Run {
  seconds: number;
  stdout: string;
}

async function expectDeployed(demo: Sandbox, who: string): Promise<void> {
  const version = await demo.appVersion();
  if (version !== 'v1.0.1') throw new Error(`${who}: the app reports ${version}, not v1.0.1`);
}

/** Runs `deploy` on a fresh sandbox and checks that the app then serves v1.0.1. */
async function withSandbox(who: string, deploy: (demo: Sandbox) => Promise<Run>): Promise<Run> {
  const demo = await sandbox();
  try {
    const run = await deploy(demo);
    await expectDeployed(demo, who);
    return run;
  } finally {
    await demo.cleanup();
  }
}

const floor = (demo: Sandbox) =>
  timed('bash', [FLOOR, demo.dir, String(demo.appPort), String(logWindowSeconds(demo))]).then(
    (run) => ({ seconds: ensureOk('floor.sh', run).ms / 1000, stdout: run.stdout }),
  );

const deploy = async (demo: Sandbox) => {
  const run = ensureOk(
    'cvd-tui deploy --headless',
    await cvdTui(['deploy', '--headless', '--confirm-all', '--version', 'v1.0.1', ...demo.flags]),
  );
  return { seconds: run.ms / 1000, stdout: run.stdout };
};

function logWindowSeconds(demo: Sandbox): number {
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  return config.targets.demo.logWindowSeconds as number;
}

/** sshd (LogLevel VERBOSE) logs one "Starting session: command" per exec. */
const sessions = (sshd: SshdHandle) => sshd.log().match(/Starting session: command/g)?.length ?? 0;

const middleRun = (runs: Run[]) =>
  [...runs].sort((a, b) => a.seconds - b.seconds)[runs.length >> 1]!;

export async function benchDeployCost(
  runs: number,
  log: (line: string) => void,
): Promise<DeployCostResult> {
  const sshd = await leanSshd();
  const result = { floor: [] as Run[], local: [] as Run[], ssh: [] as Run[] };
  const sshCommands: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      result.floor.push(await withSandbox('floor.sh', floor));
      result.local.push(await withSandbox('local deploy', deploy));
      const before = sessions(sshd);
      result.ssh.push(
        await withSandbox('ssh deploy', (demo) => {
          sshTargetConfig(demo, sshLogin(sshd));
          return deploy(demo);
        }),
      );
      sshCommands.push(sessions(sshd) - before);
      const [f, l, s] = [result.floor, result.local, result.ssh].map((r) => r[i]!.seconds);
      log(
        `  run ${i + 1}: floor ${f!.toFixed(2)} s, local ${l!.toFixed(2)} s, ssh ${s!.toFixed(2)} s (${sshCommands[i]} commands)`,
      );
    }
  } finally {
    await sshd.stop();
  }
  const seconds = (r: Run[]) => r.map((run) => run.seconds);
  const ratio = (a: Run[], b: Run[]) =>
    Number((median(seconds(a)) / median(seconds(b))).toFixed(3));
  return {
    floor: sample(seconds(result.floor), 2),
    local: sample(seconds(result.local), 2),
    ssh: sample(seconds(result.ssh), 2),
    localOverFloor: ratio(result.local, result.floor),
    sshOverLocal: ratio(result.ssh, result.local),
    sshCommands,
    localSteps: stepSeconds(middleRun(result.local).stdout),
    sshSteps: stepSeconds(middleRun(result.ssh).stdout),
  };
}
