import type { TargetConfig, Thresholds } from '../config/types.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';

/** One reading of the target's resources; a field is undefined when it could not be measured. */
export interface ResourceSample {
  at: number;
  /** Percent used of the filesystem holding `/`. */
  rootDiskPercent?: number;
  /** Percent used of the filesystem holding the app directory. */
  appDiskPercent?: number;
  /** (MemTotal - MemAvailable) / MemTotal, in percent. */
  memoryPercent?: number;
  /** The 1, 5 and 15 minute load averages. */
  load?: [number, number, number];
  /** Busy share of all CPUs over a half-second window. */
  cpuPercent?: number;
  /** Why nothing could be read (connection lost, timeout). */
  error?: string;
}

/**
 * One read-only round trip. CPU % needs two samples of /proc/stat; half a
 * second apart is long enough to be meaningful and short enough that a poll
 * every few seconds stays cheap. /proc/meminfo is read instead of `free`,
 * which minimal servers may lack.
 */
export function resourcesCommand(appPath: string): string {
  return [
    `df -P -- / ${sh`${appPath}`} 2>/dev/null | awk 'NR==2 {sub("%", "", $5); print "root", $5} NR==3 {sub("%", "", $5); print "app", $5}'`,
    `awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t) printf "mem %d\\n", (t - a) * 100 / t}' /proc/meminfo`,
    `echo "load $(cut -d ' ' -f 1-3 /proc/loadavg)"`,
    `cpu() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }`,
    'a=$(cpu); sleep 0.5; echo "cpu $a $(cpu)"',
  ].join('\n');
}

/** Reads the command's `name value…` lines; a line that does not parse leaves its field undefined. */
export function parseResources(output: string, at = Date.now()): ResourceSample {
  const sample: ResourceSample = { at };
  for (const line of output.split('\n')) {
    const [name, ...rest] = line.trim().split(/\s+/);
    const n = rest.map(Number);
    if (!n.length || n.some((v) => !Number.isFinite(v))) continue;
    if (name === 'root') sample.rootDiskPercent = n[0];
    if (name === 'app') sample.appDiskPercent = n[0];
    if (name === 'mem') sample.memoryPercent = n[0];
    if (name === 'load' && n.length === 3) sample.load = [n[0]!, n[1]!, n[2]!];
    if (name === 'cpu' && n.length === 4) {
      const [total1, idle1, total2, idle2] = n as [number, number, number, number];
      const total = total2 - total1;
      if (total > 0) sample.cpuPercent = Math.round(100 * (1 - (idle2 - idle1) / total));
    }
  }
  return sample;
}

export type Level = 'ok' | 'over' | 'unknown';

/** The runbook's limits: disk and memory below 80 %, CPU below 70 % (TargetConfig.thresholds). */
export function resourceLevel(
  kind: 'disk' | 'memory' | 'cpu',
  value: number | undefined,
  t: Thresholds,
): Level {
  if (value === undefined) return 'unknown';
  const limit =
    kind === 'disk'
      ? t.maxDiskUsedPercent
      : kind === 'memory'
        ? t.maxMemoryUsedPercent
        : t.maxCpuPercent;
  return value < limit ? 'ok' : 'over';
}

export async function readResources(
  transport: Transport,
  target: TargetConfig,
): Promise<ResourceSample> {
  const result = await transport.exec(resourcesCommand(target.paths.app), { timeoutMs: 10_000 });
  if (result.outcome.kind === 'exited') return parseResources(result.output);
  return {
    at: Date.now(),
    error: result.outcome.kind === 'lost' ? result.outcome.reason : 'no answer within 10 s',
  };
}

/**
 * Polls the target's resources over the deployment's own transport. The next
 * poll is scheduled only after the previous one answered, so a slow link
 * never piles up channels. Returns a function that stops polling.
 */
export function startResourceProbe(
  transport: Transport,
  target: TargetConfig,
  onSample: (sample: ResourceSample) => void,
  intervalMs = 3000,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const sample = await readResources(transport, target).catch((error: Error) => ({
      at: Date.now(),
      error: error.message,
    }));
    if (stopped) return;
    onSample(sample);
    timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
