import type { MonitorSample } from './sample.js';

/** What a whole monitoring window saw: worst values and totals, for the execution log. */
export interface MonitorTally {
  startedAt: number;
  endedAt: number;
  samples: number;
  failedSamples: number;
  maxResponseMs?: number;
  requests: number;
  serverErrors: number;
  maxCpuPercent?: number;
  maxMemoryUsedPercent?: number;
  dbLocks: number;
  /** Samples whose certificate check passed and failed. */
  certOk: number;
  certFailed: number;
}

export const emptyTally = (startedAt: number): MonitorTally => ({
  startedAt,
  endedAt: startedAt,
  samples: 0,
  failedSamples: 0,
  requests: 0,
  serverErrors: 0,
  dbLocks: 0,
  certOk: 0,
  certFailed: 0,
});

const max = (a: number | undefined, b: number | undefined) =>
  b === undefined ? a : a === undefined ? b : Math.max(a, b);

export function tallySample(t: MonitorTally, s: MonitorSample): void {
  t.endedAt = Math.max(t.endedAt, s.at);
  t.samples++;
  if (s.error) return void t.failedSamples++;
  if (s.healthCode) t.maxResponseMs = max(t.maxResponseMs, s.responseMs);
  t.requests += s.requests ?? 0;
  t.serverErrors += s.serverErrors ?? 0;
  t.maxCpuPercent = max(t.maxCpuPercent, s.cpuPercent);
  t.maxMemoryUsedPercent = max(t.maxMemoryUsedPercent, s.memoryUsedPercent);
  t.dbLocks += s.dbLocks ?? 0;
  if (s.certOk === true) t.certOk++;
  if (s.certOk === false) t.certFailed++;
}

const value = (n: number | undefined, unit: string) =>
  n === undefined ? 'not measured' : `${n}${unit}`;

/** One line for the execution log, e.g. `40 samples over 10.0 min: response max 12 ms, 3 of 512 requests 5xx (0.6 %), …`. */
export function summarize(t: MonitorTally): string {
  const ms = t.endedAt - t.startedAt;
  const span = ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
  const rate = t.requests ? ` (${((100 * t.serverErrors) / t.requests).toFixed(1)} %)` : '';
  const cert = t.certFailed
    ? `certificate failed ${t.certFailed} of ${t.certOk + t.certFailed} checks`
    : t.certOk
      ? 'certificate valid'
      : 'certificate not checked';
  return [
    `${t.samples} sample${t.samples === 1 ? '' : 's'} over ${span}${t.failedSamples ? ` (${t.failedSamples} failed)` : ''}: response max ${value(t.maxResponseMs, ' ms')}`,
    `${t.serverErrors} of ${t.requests} requests 5xx${rate}`,
    `CPU max ${value(t.maxCpuPercent, ' %')}`,
    `memory max ${value(t.maxMemoryUsedPercent, ' %')}`,
    `${t.dbLocks} database lock timeout${t.dbLocks === 1 ? '' : 's'}`,
    cert,
  ].join(', ');
}
