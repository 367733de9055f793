import { checksPercent, errorRatePercent, type MonitorThresholds } from './evaluate.js';
import type { MonitorSample } from './sample.js';

const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);
const percent = (n: number | undefined) => (n === undefined ? '-' : `${n} %`);

/** Column headings matching `sampleLine`. */
export const SAMPLE_HEADER = `${'TIME'.padEnd(8)}  ${'RESPONSE'.padStart(9)}  ${'ERRORS'.padEnd(16)}  ${'CPU'.padStart(5)}  ${'MEMORY'.padStart(6)}  ${'DB LOCKS'.padStart(8)}  CERT`;

/**
 * One aligned line per sample, e.g.
 * `14:02:31       4 ms  0.0 % (0/3)         3 %    41 %         0  ok`.
 * Errors are the 5xx share of the requests logged since the previous sample.
 */
export function sampleLine(s: MonitorSample): string {
  if (s.error) return `${clock(s.at)}  sample failed: ${s.error}`;
  const response =
    s.healthCode === undefined ? '-' : s.healthCode === 0 ? 'down' : `${s.responseMs} ms`;
  const rate = errorRatePercent(s);
  const errors =
    s.requests === undefined
      ? '-'
      : rate === undefined
        ? 'no requests'
        : `${rate.toFixed(1)} % (${s.serverErrors}/${s.requests})`;
  const cert = s.certOk === undefined ? '-' : s.certOk ? 'ok' : 'FAILED';
  return [
    clock(s.at).padEnd(8),
    response.padStart(9),
    errors.padEnd(16),
    percent(s.cpuPercent).padStart(5),
    percent(s.memoryUsedPercent).padStart(6),
    String(s.dbLocks ?? '-').padStart(8),
    cert,
  ].join('  ');
}

const percentLimit = (name: string, limit: number) =>
  checksPercent(limit) ? `${name} < ${limit} %` : `${name} not checked`;

/** The limits, as the runbook states them. */
export const limitsLine = (l: MonitorThresholds) =>
  [
    `limits: response < ${l.maxResponseMs} ms`,
    `error rate < ${l.maxErrorRatePercent} %`,
    percentLimit('CPU', l.maxCpuPercent),
    percentLimit('memory', l.maxMemoryUsedPercent),
    'no database lock timeouts',
    'certificate chain valid',
  ].join(', ');
