import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { DeployResult } from './deploy.js';
import type { DeployCostResult } from './deploy-cost.js';
import type { FloodResult } from './flood.js';
import type { SshResult } from './ssh-overhead.js';
import type { Versus } from './process.js';
import type { FirstFrameResult, ResumeResult } from './tui-launch.js';
import { median, type Sample } from './stats.js';

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
    deployCost: Part<DeployCostResult>;
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

/** What the results say of one row; undefined: its part is not in results.json yet. */
interface Reading {
  result: string;
  /** The row's ratio of two medians taken alternately, when it is one. */
  ratio?: number;
  /** Undefined: nothing to judge yet (the baseline is not measured). */
  met?: boolean;
}

/** One row of the table: its own entry, so rows are added and changed one at a time. */
interface Row {
  id: string;
  measure: string;
  goal: string;
  read: (parts: Results['parts']) => Reading | undefined;
}

/** cvd-tui's median beside its baseline's, measured alternately, and their ratio against `goal`. */
const versus = (v: Versus, goal: number): Reading => ({
  result: `${v.cvdTui.median} ms vs. ${v.baseline.median} ms (n=${runsOf(v.cvdTui)}; ${v.cvdTui.min}–${v.cvdTui.max} vs. ${v.baseline.min}–${v.baseline.max})`,
  ratio: v.ratio,
  met: v.ratio <= goal,
});

/** Issue 15's six goals, in its order, then the measurements earlier issues set goals for. */
export const ROWS: Row[] = [
  {
    id: '15.1',
    measure: 'Headless v1.0.1 deploy, local transport ÷ the floor (bench/floor.sh)',
    goal: '≤ 1.3',
    read: ({ deployCost: c }) =>
      c && {
        result: `${c.local.median} s vs. ${c.floor.median} s (n=${runsOf(c.local)})`,
        ratio: c.localOverFloor,
        met: c.localOverFloor <= 1.3,
      },
  },
  {
    id: '15.2',
    measure: 'The same deploy over a loopback sshd ÷ over the local transport',
    goal: '≤ 1.25',
    read: ({ deployCost: c }) =>
      c && {
        result: `${c.ssh.median} s vs. ${c.local.median} s (n=${runsOf(c.ssh)}; ${median(c.sshCommands)} commands over SSH)`,
        ratio: c.sshOverLocal,
        met: c.sshOverLocal <= 1.25,
      },
  },
  {
    id: '15.3',
    measure: "`cvd-tui --help` to exit ÷ `node -e 'console.log(1)'`",
    goal: '≤ 2×',
    read: ({ help }) => help && versus(help, 2),
  },
  {
    id: '15.4',
    measure: 'Launch to first drawn frame (start screen, pty) ÷ Node printing a line there',
    goal: '≤ 3×',
    // A results.json from before the start-up rows were ratios holds absolute times only.
    read: ({ firstFrame: f }) => (f?.cvdTui ? versus(f, 3) : undefined),
  },
  {
    id: '15.5',
    measure: 'Launch to the Resume prompt with 10,000 past deployments ÷ Node printing a line',
    goal: '≤ 3×',
    read: ({ resume: r }) => {
      if (!r?.cvdTui) return undefined;
      const reading = versus(r, 3);
      const history = `${r.finishedDeployments.toLocaleString('en')} deployments, ${r.stateDbMb} MB state DB`;
      return { ...reading, result: `${reading.result}; ${history}` };
    },
  },
  {
    id: '15.6',
    measure: 'Peak RSS (VmHWM) during the 200,000-line flood',
    goal: '< 150 MB',
    read: ({ flood: f }) =>
      f && {
        result: `${f.peakRssMb.median} MB (max ${f.peakRssMb.max}; ${f.rssBeforeMb.median} MB before the flood)`,
        met: f.peakRssMb.max < 150,
      },
  },
  {
    id: '1',
    measure: 'Whole deployment, `deploy --headless` v1.0.1 ÷ the runbook by hand',
    goal: '≤ 0.25',
    read: ({ deploy: d }) =>
      d && {
        result: `${d.cvdTui.median} s (n=${runsOf(d.cvdTui)}) vs. ${d.runbook.median} s (n=${runsOf(d.runbook)})`,
        ratio: d.ratio,
        met: d.ratio <= 0.25,
      },
  },
  {
    id: '2',
    measure: '200 trivial commands over SSH, cvd-tui transport ÷ OpenSSH ControlMaster',
    goal: '≤ 1.5',
    read: ({ ssh }) =>
      ssh && {
        result: `${(ssh.cvdTui.median / ssh.commands).toFixed(2)} vs. ${(ssh.openSsh.median / ssh.commands).toFixed(2)} ms/command (n=${runsOf(ssh.cvdTui)})`,
        ratio: ssh.ratio,
        met: ssh.ratio <= 1.5,
      },
  },
  {
    id: '4a',
    measure: 'Log flood: keypress-to-frame while it streams',
    goal: 'p95 < 100 ms',
    read: ({ flood: f }) =>
      f && {
        result: `p95 ${f.latency.p95} ms, median ${f.latency.median} ms, max ${f.latency.max} ms (${f.latency.keys} keys, ${f.latencyMedianPerRun.length} runs)`,
        met: f.latency.p95 < 100,
      },
  },
  {
    id: '4c',
    measure: 'Log flood: every line in the state store',
    goal: 'all',
    read: ({ flood: f }) =>
      f && {
        result: `${f.everyLineStored ? 'yes' : '**NO**'}: ${f.linesStored.map((n) => n.toLocaleString('en')).join(', ')} (2.2 took ${f.stepSeconds.median} s)`,
        met: f.everyLineStored,
      },
  },
];

const verdict = (met: boolean | undefined) =>
  met === undefined ? '–' : met ? 'met' : '**missed**';

/** The table: Markdown, so the same text goes to the terminal and the README. */
export function table(results: Results): string {
  const rows = ROWS.map((row) => {
    const reading = row.read(results.parts);
    return [
      row.id,
      row.measure,
      reading?.result ?? 'not measured',
      reading?.ratio === undefined ? '' : `**${reading.ratio.toFixed(2)}**`,
      row.goal,
      verdict(reading?.met),
    ];
  });
  const header = ['#', 'Measure', 'Result (medians)', 'Ratio', 'Goal', 'Goal met'];
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
