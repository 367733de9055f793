import type { Facts } from './types.js';

/** What 4.2 measures, comparable between deployments of a target. */
export interface Baseline {
  responseMs: number;
  diskUsedPercent: number;
  memoryUsedPercent: number;
  load1: number;
}

export interface BaselineDelta {
  metric: keyof Baseline;
  previous: number;
  current: number;
  /** Relative change, in percent of the previous value. */
  changePercent: number;
  regression: boolean;
}

/**
 * A change counts as a regression only past both the relative threshold and
 * an absolute floor: 1 ms becoming 2 ms is +100 % and means nothing.
 */
const ABSOLUTE_FLOOR: Record<keyof Baseline, number> = {
  responseMs: 50,
  diskUsedPercent: 5,
  memoryUsedPercent: 5,
  load1: 0.5,
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The baseline in a deployment's facts, or undefined when 4.2 did not run. */
export function baselineOf(facts: Facts): Baseline | undefined {
  const times = (facts.responseSeconds ?? '').split(' ').filter(Boolean).map(Number);
  if (!times.length || times.some((t) => !Number.isFinite(t))) return undefined;
  return {
    responseMs: Math.round(median(times) * 1000),
    diskUsedPercent: Number(facts.diskUsedPercent),
    memoryUsedPercent: Number(facts.memoryUsedPercent),
    load1: Number((facts.load ?? '').split(' ')[0]),
  };
}

export function compareBaselines(
  current: Baseline,
  previous: Baseline,
  maxRegressionPercent: number,
): BaselineDelta[] {
  return (Object.keys(current) as (keyof Baseline)[])
    .filter((metric) => Number.isFinite(current[metric]) && Number.isFinite(previous[metric]))
    .map((metric) => {
      const [now, before] = [current[metric], previous[metric]];
      const changePercent = before === 0 ? (now === 0 ? 0 : 100) : ((now - before) / before) * 100;
      return {
        metric,
        previous: before,
        current: now,
        changePercent: Math.round(changePercent),
        regression: changePercent > maxRegressionPercent && now - before > ABSOLUTE_FLOOR[metric],
      };
    });
}

const UNITS: Record<keyof Baseline, string> = {
  responseMs: ' ms',
  diskUsedPercent: ' %',
  memoryUsedPercent: ' %',
  load1: '',
};

export const describeDelta = (d: BaselineDelta): string =>
  `${d.metric} ${d.previous}${UNITS[d.metric]} → ${d.current}${UNITS[d.metric]} (${d.changePercent >= 0 ? '+' : ''}${d.changePercent} %)`;
