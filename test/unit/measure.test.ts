import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
} from '../../src/shell/measure.js';
import { shq } from '../../src/shell/quote.js';

const dir = mkdtempSync(join(tmpdir(), 'cvd-measure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes /proc-like text to a file of the temporary directory. */
const fixture = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs a snippet in bash, as the target does, and returns what it printed. */
const run = (script: string) => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

const MEMINFO = `MemTotal:       16318480 kB
MemFree:         1203316 kB
MemAvailable:    9876543 kB
Buffers:          402112 kB
Cached:          7912044 kB
SwapCached:            0 kB
`;

// /proc/stat: the aggregate `cpu` line, then one line per CPU (ignored), then the rest.
const stat = (user: number, idle: number) => `cpu  ${user} 0 100 ${idle} 50 0 10 0 0 0
cpu0 ${user / 2} 0 50 ${idle / 2} 25 0 5 0 0 0
intr 11451870 0 9 0 0
ctxt 25563893
btime 1715000000
`;

describe('memory', () => {
  it('reads MemTotal and MemAvailable: used percent, truncated like free', () => {
    const out = run(memoryUsedPercent(fixture('meminfo', MEMINFO)));
    // (16318480 - 9876543) * 100 / 16318480 = 39.47…
    expect(out).toBe('39\n');
    expect(parseMemory(out)).toBe(39);
  });

  it('a kernel without MemAvailable is no measurement, not 100 %', () => {
    const old = fixture('meminfo-old', 'MemTotal:  2048000 kB\nMemFree:  1024000 kB\n');
    const out = run(memoryUsedPercent(old));
    expect(out).toBe('');
    expect(parseMemory(out)).toBeUndefined();
  });

  it('reads this machine /proc/meminfo', () => {
    const used = parseMemory(run(memoryUsedPercent()));
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(100);
  });
});

describe('load', () => {
  it('takes the three averages of /proc/loadavg', () => {
    const out = run(loadAverages(fixture('loadavg', '0.52 0.58 0.59 1/1234 5678\n')));
    expect(out).toBe('0.52 0.58 0.59\n');
    expect(parseLoad(out)).toEqual([0.52, 0.58, 0.59]);
  });

  it('anything else is no measurement', () => {
    expect(parseLoad('')).toBeUndefined();
    expect(parseLoad('0.52 0.58')).toBeUndefined();
    expect(parseLoad('cut: /proc/loadavg: No such file')).toBeUndefined();
  });
});

describe('cpu', () => {
  it('sums the aggregate line: total jiffies and idle plus iowait', () => {
    const out = run(`${cpuFunction(fixture('stat', stat(1000, 8000)))}\ncpu`);
    expect(parseCpuCounters(out)).toEqual({ total: 9160, idle: 8050 });
  });

  it('busy share between two readings', () => {
    const read = (name: string, text: string) =>
      parseCpuCounters(run(`${cpuFunction(fixture(name, text))}\ncpu`))!;
    const before = read('stat1', stat(1000, 8000));
    const after = read('stat2', stat(1300, 8700));
    // 1000 more jiffies, 700 of them idle.
    expect(cpuBusyPercent(before, after)).toBe(30);
    expect(cpuBusyPercent(after, after)).toBeUndefined();
  });

  it('reads this machine /proc/stat', () => {
    const counters = parseCpuCounters(run(`${cpuFunction()}\ncpu`));
    expect(counters!.total).toBeGreaterThan(counters!.idle);
  });
});

describe('disk', () => {
  it('prints the used percent of each filesystem, in order', () => {
    const listing = fixture(
      'df',
      `Filesystem     1024-blocks     Used Available Capacity Mounted on
/dev/vda         264212084 23586320  82804592      23% /
/dev/vdb          10255636  8123456   1588316      85% /opt/cvd
`,
    );
    const out = run(diskUsedPercent(`cat ${shq(listing)}`));
    expect(out).toBe('23 85\n');
    expect(parseDisk(out)).toEqual([23, 85]);
  });

  it('a header repeated by a fallback (df, then df as the app user) is not a measurement', () => {
    const header = 'Filesystem     1024-blocks     Used Available Capacity Mounted on\n';
    const listing = fixture('df-twice', `${header}${header}/dev/vdb  1000 400 600 40% /opt/cvd\n`);
    expect(parseDisk(run(diskUsedPercent(`cat ${shq(listing)}`)))).toEqual([40]);
  });

  it('df of paths that do not exist is no measurement', () => {
    const out = run(diskUsedPercent(`${df(join(dir, 'missing'))} 2>/dev/null`));
    expect(out).toBe('\n');
    expect(parseDisk(out)).toEqual([]);
  });

  it('measures this machine: / and a path below it, quoted', () => {
    const spaced = join(dir, "it's here");
    run(`mkdir -p ${shq(spaced)}`);
    const [root, app] = parseDisk(run(diskUsedPercent(df('/', spaced))));
    expect(root).toBeGreaterThanOrEqual(0);
    expect(root).toBeLessThanOrEqual(100);
    expect(app).toBeGreaterThanOrEqual(0);
  });
});
