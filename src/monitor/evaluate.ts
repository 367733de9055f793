import type { TargetConfig } from '../config/types.js';
import type { MonitorSample } from './sample.js';

/**
 * The runbook's Post-Deployment Monitoring limits; each metric must stay
 * strictly below its limit. A CPU or memory limit of 100 % turns that check
 * off: "below 100 %" would only flag a busy machine (a batch job, or the
 * test workers on the jump host that is the demo's server), never a failing
 * one, and 100 is the highest limit the config accepts.
 */
export interface MonitorThresholds {
  /** @default 2000 */
  maxResponseMs: number;
  /** @default 1 */
  maxErrorRatePercent: number;
  /** @default 70 */
  maxCpuPercent: number;
  /** @default 80 */
  maxMemoryUsedPercent: number;
}

/** The target's limits (its thresholds, the runbook's by default). */
export function monitorThresholds(target: TargetConfig): MonitorThresholds {
  const { maxResponseMs, maxErrorRatePercent, maxCpuPercent, maxMemoryUsedPercent } =
    target.thresholds;
  return { maxResponseMs, maxErrorRatePercent, maxCpuPercent, maxMemoryUsedPercent };
}

export type Metric =
  'health' | 'response' | 'errorRate' | 'cpu' | 'memory' | 'dbLocks' | 'certificate';

/** Whether a percent limit is checked at all (see MonitorThresholds). */
export const checksPercent = (limit: number) => limit < 100;

export interface Breach {
  metric: Metric;
  message: string;
}

/** 5xx share of the sample's requests, in percent; undefined when there were none. */
export function errorRatePercent(sample: MonitorSample): number | undefined {
  const { requests, serverErrors } = sample;
  return requests && serverErrors !== undefined ? (100 * serverErrors) / requests : undefined;
}

/**
 * The limits one sample breaks, each with a message an operator can act on.
 * An unmeasured metric is no breach (a server without MemAvailable is not
 * failing), except /health not answering and a certificate that could not be
 * verified: neither is "within limits".
 */
export function evaluate(sample: MonitorSample, limits: MonitorThresholds): Breach[] {
  const breaches: Breach[] = [];
  const add = (metric: Metric, message: string) => breaches.push({ metric, message });
  const { healthCode, responseMs, cpuPercent, memoryUsedPercent, dbLocks } = sample;
  if (healthCode === 0) add('health', '/health did not answer');
  else if (healthCode !== undefined && healthCode !== 200)
    add('health', `/health answered ${healthCode}`);
  if (healthCode && responseMs !== undefined && responseMs >= limits.maxResponseMs)
    add(
      'response',
      `response time ${responseMs} ms, the runbook's limit is < ${limits.maxResponseMs} ms`,
    );
  const rate = errorRatePercent(sample);
  if (rate !== undefined && rate >= limits.maxErrorRatePercent)
    add(
      'errorRate',
      `error rate ${rate.toFixed(1)} % (${sample.serverErrors} of ${sample.requests} requests answered 5xx), the runbook's limit is < ${limits.maxErrorRatePercent} %`,
    );
  const over = (value: number | undefined, limit: number) =>
    value !== undefined && checksPercent(limit) && value >= limit;
  if (over(cpuPercent, limits.maxCpuPercent))
    add('cpu', `CPU ${cpuPercent} %, the runbook's limit is < ${limits.maxCpuPercent} %`);
  if (over(memoryUsedPercent, limits.maxMemoryUsedPercent))
    add(
      'memory',
      `memory ${memoryUsedPercent} % used, the runbook's limit is < ${limits.maxMemoryUsedPercent} %`,
    );
  if (dbLocks)
    add('dbLocks', `${dbLocks} database lock timeout line${dbLocks === 1 ? '' : 's'} in error.log`);
  if (sample.certOk === false)
    add('certificate', `certificate chain not valid: ${sample.certDetail ?? 'not verified'}`);
  return breaches;
}
