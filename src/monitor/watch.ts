import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetConfig } from '../config/types.js';
import type { Transport } from '../transport/types.js';
import { evaluate, monitorThresholds, type Breach } from './evaluate.js';
import { FIRST_CURSOR, takeSample, type MonitorSample } from './sample.js';
import { emptyTally, tallySample, type MonitorTally } from './tally.js';

/** The runbook's Post-Deployment Monitoring: the first 2 hours, a sample every 15 s. */
export const MONITOR_DEFAULTS = { intervalSeconds: 15, durationMinutes: 120 } as const;

export interface WatchOptions {
  transport: Transport;
  target: TargetConfig;
  /** Start to start of two samples. @default 15 */
  intervalSeconds?: number;
  /** The runbook's monitoring window. @default 120 */
  durationMinutes?: number;
  /** Ends the watch early with status `stopped`. */
  signal?: AbortSignal;
  /** Every sample, with the limits it breaks (empty when within them). */
  onSample?: (sample: MonitorSample, breaches: Breach[]) => void;
  /** The sample that ended the watch with a breach. */
  onBreach?: (breaches: Breach[], sample: MonitorSample) => void;
  /** Filled in as samples arrive, so that a caller cut short (a signal) can still record what was seen. */
  tally?: MonitorTally;
}

export interface WatchResult {
  /** passed: the whole window within limits; breached: a limit broken; stopped: aborted, or the target stopped answering. */
  status: 'passed' | 'breached' | 'stopped';
  breaches: Breach[];
  /** Why a watch stopped. */
  reason?: string;
  tally: MonitorTally;
}

/**
 * Samples that fail in a row before the watch gives up. One lost sample is a
 * network blip; three in a row mean the metrics are no longer being watched,
 * which must not end as "passed".
 */
export const MAX_FAILED_SAMPLES = 3;

/**
 * Samples the target every interval until the window ends, the first breach,
 * or the signal. A sample is taken at the window's end too, so the logs are
 * read up to it. The interval runs start to start: a slow sample does not
 * stretch the window.
 */
export async function watch(o: WatchOptions): Promise<WatchResult> {
  const intervalMs = (o.intervalSeconds ?? MONITOR_DEFAULTS.intervalSeconds) * 1000;
  const limits = monitorThresholds(o.target);
  const tally = o.tally ?? emptyTally(Date.now());
  const end = tally.startedAt + (o.durationMinutes ?? MONITOR_DEFAULTS.durationMinutes) * 60_000;
  const done = (result: Omit<WatchResult, 'tally'>): WatchResult => {
    tally.endedAt = Date.now();
    return { ...result, tally };
  };
  const stopped = (reason: string) => done({ status: 'stopped', breaches: [], reason });
  let cursor = FIRST_CURSOR;
  let failures = 0;
  for (;;) {
    if (o.signal?.aborted) return stopped('stopped by the operator');
    const began = Date.now();
    const sample = await untilAborted(takeSample(o.transport, o.target, cursor), o.signal);
    if (!sample) return stopped('stopped by the operator');
    cursor = sample.cursor;
    const breaches = sample.error ? [] : evaluate(sample, limits);
    tallySample(tally, sample);
    o.onSample?.(sample, breaches);
    if (breaches.length) {
      o.onBreach?.(breaches, sample);
      return done({ status: 'breached', breaches });
    }
    failures = sample.error ? failures + 1 : 0;
    if (failures >= MAX_FAILED_SAMPLES)
      return stopped(`${failures} samples in a row failed: ${sample.error}`);
    if (began >= end) return done({ status: 'passed', breaches: [] });
    const wait = Math.min(began + intervalMs, end) - Date.now();
    if (wait > 0 && !(await sleep(wait, true, { signal: o.signal }).catch(() => false)))
      return stopped('stopped by the operator');
  }
}

/** The promise's value, or undefined as soon as the signal aborts (a remote command cannot be cancelled, only left). */
function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
