/** The post-deployment watch of one deployment, shared by `monitor` on a target and on a fleet. */
import type { TargetConfig } from '../config/types.js';
import { monitorThresholds } from '../monitor/evaluate.js';
import { limitsLine, sampleLine } from '../monitor/format.js';
import {
  recordMonitorResult,
  recordMonitorStart,
  recordMonitorStopped,
} from '../monitor/record.js';
import { emptyTally, summarize } from '../monitor/tally.js';
import { watch, type WatchResult } from '../monitor/watch.js';
import type { StateStore } from '../state/store.js';
import type { DeploymentRecord } from '../state/types.js';
import type { Transport } from '../transport/types.js';
import { InputError } from '../util/exit.js';
import type { TextOut } from '../util/text.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What each running watch records when a signal comes: one listener per signal, however many hosts are watched. */
const stops = new Set<() => void>();
const recordStops = () => stops.forEach((stop) => stop());

/**
 * Runs `stop` first on a signal until the returned function is called.
 * main() exits 130 on a signal without waiting for us; SQLite writes are
 * synchronous, so the stop is recorded before it exits.
 */
function onSignal(stop: () => void): () => void {
  if (!stops.size) for (const signal of SIGNALS) process.prependListener(signal, recordStops);
  stops.add(stop);
  return () => {
    stops.delete(stop);
    if (!stops.size) for (const signal of SIGNALS) process.off(signal, recordStops);
  };
}

/** A `--minutes` / `--interval` value: a positive, finite number. */
export function positiveNumber(
  option: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InputError(`--${option} must be a positive number, not "${value}"`);
  return n;
}

/** How long and how often: `--minutes`, `--interval`. */
export interface MonitorWindow {
  minutes: number;
  interval: number;
}

/** Why a deployment is not watched (monitor watches a succeeded one: the breach advice is to roll it back), or undefined. */
export const notWatched = (d: DeploymentRecord): string | undefined =>
  d.status === 'succeeded' ? undefined : `deployment ${d.id} is ${d.status.replace('_', ' ')}`;

/** One deployment's watch, recorded on it: its start, its samples' tally, how it ended (a signal too). */
export interface DeploymentWatch extends MonitorWindow {
  store: StateStore;
  operator: string;
  deployment: DeploymentRecord;
  target: TargetConfig;
  transport: Transport;
  /** Each sample's line and any breach under it. */
  out: TextOut;
}

export async function watchDeployment(w: DeploymentWatch): Promise<WatchResult> {
  const recording = { store: w.store, deploymentId: w.deployment.id, operator: w.operator };
  recordMonitorStart(recording, { minutes: w.minutes, intervalSeconds: w.interval });
  const tally = emptyTally(Date.now());
  const done = onSignal(() => recordMonitorStopped(recording, tally, 'interrupted by a signal'));
  try {
    const result = await watch({
      transport: w.transport,
      target: w.target,
      intervalSeconds: w.interval,
      durationMinutes: w.minutes,
      tally,
      onSample: (sample, breaches) =>
        w.out.write(
          `${sampleLine(sample)}\n${breaches.map((b) => `BREACH: ${b.message}\n`).join('')}`,
        ),
    });
    recordMonitorResult(recording, result);
    return result;
  } finally {
    done();
  }
}

/** How a watch ended, in one line: `passed: …`, `breached: reason; …`. */
export const resultLine = (result: WatchResult): string =>
  `${result.status}: ${result.reason ? `${result.reason}; ` : ''}${summarize(result.tally)}`;

/** The limits line for a target. */
export const limitsOf = (target: TargetConfig): string => limitsLine(monitorThresholds(target));
