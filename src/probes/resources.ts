import type { TargetConfig, Thresholds } from '../config/types.js';
import {
  cpuBusyPercent,
  cpuFunction,
  df,
  diskUsedPercent,
  loadAverages,
  memoryUsedPercent,
  parseCpuCounters,
  parseDisk,
  parseLoad,
  parseMemory,
} from '../shell/measure.js';
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
 * One read-only round trip, as `name value…` lines. CPU % needs two samples
 * of /proc/stat; half a second apart is long enough to be meaningful and
 * short enough that a poll every few seconds stays cheap.
 */
export function resourcesCommand(appPath: string): string {
  return [
    `echo "disk $(${diskUsedPercent(`${df('/', appPath)} 2>/dev/null`)})"`,
    `echo "mem $(${memoryUsedPercent()})"`,
    `echo "load $(${loadAverages()})"`,
    cpuFunction(),
    'echo "cpuStart $(cpu)"; sleep 0.5; echo "cpu $(cpu)"',
  ].join('\n');
}

/** Reads the command's lines; a line that does not parse leaves its fields undefined. */
export function parseResources(output: string, at = Date.now()): ResourceSample {
  const lines = new Map(
    output.split('\n').map((line) => {
      const [name = '', ...rest] = line.trim().split(/\s+/);
      return [name, rest.join(' ')] as const;
    }),
  );
  const [rootDiskPercent, appDiskPercent] = parseDisk(lines.get('disk'));
  const before = parseCpuCounters(lines.get('cpuStart'));
  const after = parseCpuCounters(lines.get('cpu'));
  return {
    at,
    rootDiskPercent,
    appDiskPercent,
    memoryPercent: parseMemory(lines.get('mem')),
    load: parseLoad(lines.get('load')),
    cpuPercent: before && after ? cpuBusyPercent(before, after) : undefined,
  };
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
