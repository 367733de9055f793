import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { DeployResult } from './deploy.js';
import type { FloodResult } from './flood.js';
import type { SshResult } from './ssh-overhead.js';
import type { Versus } from './process.js';
import type { FirstFrameResult, ResumeResult } from './tui-launch.js';
import type { Sample } from './stats.js';

/** What bench/results.json holds: each part with when it ran and the load around it. */
export interface Results {
  machine: Machine;
  parts: Partial<{
    deploy: Part<DeployResult>;
    ssh: Part<SshResult>;
    help: Part<Versus>;
    firstFrame: Part<FirstFrameResult>;
    flood: Part<FloodResult>;
    resume: Part<ResumeResult>;
  }>;
}

export type Part<T> = T & { measuredAt: string; loadBefore: number[]; loadAfter: number[] };

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  let osName = os.type();
  try {
    osName =
      /^PRETTY_NAME="?(.*?)"?$/m.exec(
        execFileSync('cat', ['/etc/os-release'], { encoding: 'utf8' }),
      )?.[1] ?? osName;
  } catch {
    // not Linux: os.type() will do
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: osName,
    kernel: os.release(),
    node: process.version,
  };
}

const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(' / ');
const runsOf = (s: Sample) => s.runs.length;

/** A start-up row: cvd-tui's median beside its baseline's, measured alternately, and their ratio against `goal`. */
function startUpRow(id: string, measure: string, v: Versus, goal: number): string[] {
  return [
    id,
    measure,
    `${v.cvdTui.median} ms vs. ${v.baseline.median} ms (n=${runsOf(v.cvdTui)}; ${v.cvdTui.min}–${v.cvdTui.max} vs. ${v.baseline.min}–${v.baseline.max})`,
    `**${v.ratio.toFixed(2)}×**`,
    `≤ ${goal}×`,
    v.ratio <= goal ? 'met' : '**missed**',
  ];
}

/** The table: Markdown, so the same text goes to the terminal and the README. */
export function table(results: Results): string {
  const rows: string[][] = [];
  const { deploy, ssh, help, flood } = results.parts;
  // A results.json from before the start-up rows were ratios holds absolute times only: left out.
  const firstFrame = results.parts.firstFrame?.cvdTui ? results.parts.firstFrame : undefined;
  const resume = results.parts.resume?.cvdTui ? results.parts.resume : undefined;
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  if (deploy)
    rows.push([
      '1',
      'Whole deployment, `deploy --headless` v1.0.1 vs. the runbook by hand',
      `${deploy.cvdTui.median} s (n=${runsOf(deploy.cvdTui)}) vs. ${deploy.runbook.median} s (n=${runsOf(deploy.runbook)})`,
      `**${deploy.ratio.toFixed(2)}**`,
      '≤ 0.25',
      met(deploy.ratio <= 0.25),
    ]);
  if (ssh)
    rows.push([
      '2',
      `${ssh.commands} trivial commands over SSH, cvd-tui transport vs. OpenSSH ControlMaster`,
      `${ssh.cvdTui.median} ms (${(ssh.cvdTui.median / ssh.commands).toFixed(2)} ms/cmd) vs. ${ssh.openSsh.median} ms (${(ssh.openSsh.median / ssh.commands).toFixed(2)} ms/cmd), n=${runsOf(ssh.cvdTui)}`,
      `**${ssh.ratio.toFixed(2)}×**`,
      '≤ 1.5×',
      met(ssh.ratio <= 1.5),
    ]);
  if (help)
    rows.push(startUpRow('3a', "`cvd-tui --help` to exit vs. `node -e 'console.log(1)'`", help, 2));
  if (firstFrame)
    rows.push(
      startUpRow(
        '3b',
        'Launch to first frame (start screen, pty) vs. Node printing a line there',
        firstFrame,
        3,
      ),
    );
  if (flood) {
    rows.push([
      '4a',
      `Log flood (${flood.lines.toLocaleString('en')} lines in 2.2): keypress-to-frame while it streams`,
      `p95 **${flood.latency.p95} ms**, median ${flood.latency.median} ms, max ${flood.latency.max} ms (${flood.latency.keys} keys, ${flood.latencyMedianPerRun.length} runs)`,
      '',
      '< 100 ms',
      met(flood.latency.p95 < 100),
    ]);
    rows.push([
      '4b',
      'Log flood: peak RSS (VmHWM) of cvd-tui',
      `**${flood.peakRssMb.median} MB** (max ${flood.peakRssMb.max}; ${flood.rssBeforeMb.median} MB before the flood)`,
      '',
      '< 150 MB',
      met(flood.peakRssMb.max < 150),
    ]);
    rows.push([
      '4c',
      'Log flood: every line in the state store',
      `${flood.everyLineStored ? 'yes' : '**NO**'}: ${flood.linesStored.map((n) => n.toLocaleString('en')).join(', ')} (2.2 took ${flood.stepSeconds.median} s)`,
      '',
      'all',
      met(flood.everyLineStored),
    ]);
  }
  if (resume)
    rows.push(
      startUpRow(
        '5',
        `Launch to the Resume prompt, ${resume.finishedDeployments.toLocaleString('en')} past deployments (${resume.stateDbMb} MB state DB), vs. Node printing a line`,
        resume,
        3,
      ),
    );
  const header = ['#', 'Measure', 'Result (median)', 'Ratio', 'Goal', 'Goal met'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  const loads = Object.entries(results.parts).map(
    ([name, p]) => `${name} ${load(p.loadBefore)} → ${load(p.loadAfter)}`,
  );
  const m = results.machine;
  return [
    ...lines,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os} (Linux ${m.kernel}), Node ${m.node}.`,
    `Load average (1/5/15 min) before → after each part: ${loads.join('; ')}.`,
  ].join('\n');
}
