/**
 * 4. Log flood: the demo target's 2.2 install command prints 200,000 lines
 * (`seq`, set in this run's own copy of the demo config: no test hook in the
 * product). cvd-tui runs in a pty; while phase 2 runs, Tab moves the focus
 * from pane to pane over and over, each key timed from its write to the first
 * frame showing the newly focused pane. Keys sent while 2.2 ran (by the state
 * database's own timestamps) are the ones that count. Then peak RSS (VmHWM of
 * the cvd-tui process) and, from the state database, proof that every line
 * 1…200000 was stored for that attempt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sandbox } from './sandbox.js';
import { runCvdTuiInPty, type PtyStep } from './pty.js';
import { median, percentile, sample, type Sample } from './stats.js';

export const FLOOD_LINES = 200_000;

export interface FloodRun {
  /** How long 2.2 ran, by its attempt's timestamps. */
  stepSeconds: number;
  /** Keypress-to-frame ms of every probe sent while 2.2 ran. */
  latencies: number[];
  /** The three slowest of them, with when they were sent (ms after 2.2 started): where to look. */
  slowest: { atMs: number; ms: number }[];
  peakRssMb: number;
  /** VmHWM at the end of phase 1, before the flood: what loading and running the TUI costs anyway. */
  rssBeforeMb: number;
  linesStored: number;
  everyLineStored: boolean;
}

export interface FloodResult {
  lines: number;
  /** Keypress-to-frame ms of every key sent while 2.2 ran, all runs pooled. */
  latency: { median: number; p95: number; max: number; keys: number };
  /** Each run's median keypress-to-frame ms. */
  latencyMedianPerRun: number[];
  peakRssMb: Sample;
  rssBeforeMb: Sample;
  stepSeconds: Sample;
  /** Every run stored exactly the lines 1…200000, once each. */
  everyLineStored: boolean;
  linesStored: number[];
}

const SCENARIO: PtyStep[] = [
  { expect: 'Pre-Deployment Checklist \\(0/12 ticked\\)', timeoutMs: 60_000 },
  ...Array.from({ length: 12 }, (): PtyStep[] => [{ send: ' ' }, { send: 'j' }]).flat(),
  { expect: '\\(12/12 ticked\\)' },
  { send: '\r' },
  { expect: '1\\.1 Environment Verification — next' },
  { send: 'A' },
  { expect: 'Phase 1 complete', timeoutMs: 120_000 },
  { memory: 'beforeFlood' },
  { send: 'A' },
  {
    probe: {
      label: 'phase2',
      // Tab moves the focus Logs → Resources → Health → Steps → Logs; the focused pane's title is drawn heavy.
      // Its effect is computed by the reducer from the state of the moment, unlike a toggle such as
      // `?` whose handler reads state captured at render (see the README's performance notes).
      cycle: [
        { send: '\t', shows: '┏━ Resources ━' },
        { send: '\t', shows: '┏━ Health ━' },
        { send: '\t', shows: '┏━ Steps ━' },
        { send: '\t', shows: '┏━ Logs' },
      ],
      until: 'Phase 2 complete',
      maxMs: 300_000,
    },
  },
  { memory: 'phase2' },
  // 2.1 stopped the service and 3.1 has not started it: q asks first, q again quits anyway.
  { send: 'q' },
  { expect: 'q quit anyway' },
  { send: 'q' },
  { exit: 'quit', timeoutMs: 30_000 },
];

async function floodRun(): Promise<FloodRun> {
  const demo = await sandbox();
  try {
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8')) as {
      targets: { demo: { installCommand: string } };
    };
    config.targets.demo.installCommand = `node --check server.mjs && seq 1 ${FLOOD_LINES}`;
    writeFileSync(demo.configPath, JSON.stringify(config, null, 2));
    const result = await runCvdTuiInPty(['deploy', '--version', 'v1.0.1', ...demo.flags], SCENARIO);
    const db = new Database(demo.state, { readonly: true });
    try {
      const step = db
        .prepare(
          "SELECT deployment_id AS id, started_at AS started, finished_at AS finished, status FROM attempts WHERE step_id = '2.2' AND attempt = 1",
        )
        .get() as { id: string; started: number; finished: number; status: string } | undefined;
      if (step?.status !== 'succeeded')
        throw new Error(`2.2 did not succeed: ${JSON.stringify(step)}`);
      // Only whole numbers count: the step's own lines (headers, facts) are not part of the flood.
      const stored = db
        .prepare(
          `SELECT COUNT(*) AS n, COUNT(DISTINCT text) AS distinct_n, MIN(CAST(text AS INTEGER)) AS lo, MAX(CAST(text AS INTEGER)) AS hi
           FROM output WHERE deployment_id = ? AND step_id = '2.2' AND attempt = 1 AND text GLOB '[1-9]*' AND NOT text GLOB '*[^0-9]*'`,
        )
        .get(step.id) as { n: number; distinct_n: number; lo: number; hi: number };
      const everyLineStored =
        stored.n === FLOOD_LINES &&
        stored.distinct_n === FLOOD_LINES &&
        stored.lo === 1 &&
        stored.hi === FLOOD_LINES;
      const during = (result.probes.phase2 ?? []).filter(
        (p) => p.sentAt >= step.started && p.sentAt <= step.finished,
      );
      const latencies = during.map((p) => p.ms);
      const slowest = [...during]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((p) => ({ atMs: Math.round(p.sentAt - step.started), ms: Math.round(p.ms) }));
      return {
        stepSeconds: (step.finished - step.started) / 1000,
        latencies,
        slowest,
        peakRssMb: result.memory.phase2!.hwmKb / 1024,
        rssBeforeMb: result.memory.beforeFlood!.hwmKb / 1024,
        linesStored: stored.n,
        everyLineStored,
      };
    } finally {
      db.close();
    }
  } finally {
    await demo.cleanup();
  }
}

export async function benchFlood(runs: number, log: (line: string) => void): Promise<FloodResult> {
  const all: FloodRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await floodRun();
    all.push(run);
    log(
      `  run ${i + 1}: 2.2 took ${run.stepSeconds.toFixed(1)} s; ${run.latencies.length} keys: median ${median(run.latencies).toFixed(0)} ms, ` +
        `slowest ${run.slowest.map((k) => `${k.ms} ms at +${k.atMs} ms`).join(', ')}; ` +
        `peak RSS ${run.peakRssMb.toFixed(0)} MB (${run.rssBeforeMb.toFixed(0)} MB before the flood); ${run.linesStored} lines stored${run.everyLineStored ? ' (all)' : ' (MISSING LINES)'}`,
    );
  }
  const pooled = all.flatMap((r) => r.latencies);
  const round = (v: number) => Math.round(v);
  return {
    lines: FLOOD_LINES,
    latency: {
      median: round(median(pooled)),
      p95: round(percentile(pooled, 95)),
      max: round(Math.max(...pooled)),
      keys: pooled.length,
    },
    latencyMedianPerRun: all.map((r) => round(median(r.latencies))),
    peakRssMb: sample(
      all.map((r) => r.peakRssMb),
      0,
    ),
    rssBeforeMb: sample(
      all.map((r) => r.rssBeforeMb),
      0,
    ),
    stepSeconds: sample(
      all.map((r) => r.stepSeconds),
      1,
    ),
    everyLineStored: all.every((r) => r.everyLineStored),
    linesStored: all.map((r) => r.linesStored),
  };
}
