/**
 * The target's resources, measured one way wherever they are measured (1.1,
 * 4.2, the checklist, doctor, the resources pane, the monitor): one shell
 * snippet per measurement and one parser of what it prints. Only `df -P` and
 * /proc are read, which every Linux server has; `free`, which minimal images
 * lack, is not. The file arguments exist so that tests can feed /proc-like
 * text; the targets always read /proc.
 */
import { sh, shq } from './quote.js';

/** `df -P` of the paths: the POSIX format keeps each filesystem on one line, in the order given. */
export const df = (...paths: string[]): string => `df -P -- ${paths.map(shq).join(' ')}`;

/**
 * Disk: prints the used percent of every filesystem `dfCommand` reports,
 * space-separated (`23 85`). `dfCommand` is `df(…)`, as is or wrapped (as the
 * app user, with a fallback). Only capacity fields are read, so a header
 * printed twice by a fallback is no measurement.
 */
export const diskUsedPercent = (dfCommand: string): string =>
  `${dfCommand} | awk '$5 ~ /^[0-9]+%$/ {sub("%", "", $5); printf "%s%s", sep, $5; sep = " "} END {print ""}'`;

/**
 * Memory: prints the used percent, (MemTotal - MemAvailable) / MemTotal,
 * truncated to an integer: the same number as `free`'s total minus available.
 * MemAvailable counts reclaimable cache as free. A kernel without it (before
 * 3.14) gets no measurement rather than a made-up 100 %.
 */
export const memoryUsedPercent = (meminfo = '/proc/meminfo'): string =>
  sh`awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2; seen = 1} END {if (t && seen) printf "%d\\n", (t - a) * 100 / t}' ${meminfo}`;

/** Load: prints the 1, 5 and 15 minute load averages (`0.50 0.25 0.10`). */
export const loadAverages = (loadavg = '/proc/loadavg'): string => sh`cut -d ' ' -f 1-3 ${loadavg}`;

/**
 * CPU: defines the shell function `cpu`, which prints the CPU time counters
 * as `TOTAL IDLE` (all jiffies; idle plus iowait). CPU use is the busy share
 * between two readings (cpuBusyPercent).
 */
export const cpuFunction = (stat = '/proc/stat'): string =>
  sh`cpu() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' ${stat}; }`;

/** CPU time counters from /proc/stat: all jiffies, and the idle (idle + iowait) ones. */
export interface CpuCounters {
  total: number;
  idle: number;
}

/** The numbers of a snippet's output; undefined when there are none or one is not a number. */
export function parseNumbers(text: string | undefined): number[] | undefined {
  const parts = (text ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return parts.length && parts.every(Number.isFinite) ? parts : undefined;
}

/** diskUsedPercent's output: one percent per filesystem, in df's order; [] when nothing was measured. */
export const parseDisk = (text: string | undefined): number[] => parseNumbers(text) ?? [];

/** memoryUsedPercent's output; undefined when memory was not measured. */
export function parseMemory(text: string | undefined): number | undefined {
  const n = parseNumbers(text);
  return n?.length === 1 ? n[0] : undefined;
}

/** loadAverages' output; undefined unless it is three numbers. */
export function parseLoad(text: string | undefined): [number, number, number] | undefined {
  const n = parseNumbers(text);
  return n?.length === 3 ? [n[0]!, n[1]!, n[2]!] : undefined;
}

/** What the `cpu` function printed; undefined unless it is two numbers. */
export function parseCpuCounters(text: string | undefined): CpuCounters | undefined {
  const n = parseNumbers(text);
  return n?.length === 2 ? { total: n[0]!, idle: n[1]! } : undefined;
}

/** The busy share of the CPUs between two readings, in whole percent; undefined when no time passed. */
export function cpuBusyPercent(before: CpuCounters, after: CpuCounters): number | undefined {
  const total = after.total - before.total;
  return total > 0 ? Math.round(100 * (1 - (after.idle - before.idle) / total)) : undefined;
}
