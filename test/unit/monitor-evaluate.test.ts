import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import type { TargetConfig } from '../../src/config/types.js';
import { evaluate, monitorThresholds, type MonitorThresholds } from '../../src/monitor/evaluate.js';
import { FIRST_CURSOR, type MonitorSample } from '../../src/monitor/sample.js';

const limits: MonitorThresholds = {
  maxResponseMs: 2000,
  maxErrorRatePercent: 1,
  maxCpuPercent: 70,
  maxMemoryUsedPercent: 80,
};

/** A sample well within every limit; each test changes one metric. */
const healthy = (change: Partial<MonitorSample> = {}): MonitorSample => ({
  at: 0,
  cursor: FIRST_CURSOR,
  healthCode: 200,
  responseMs: 12,
  requests: 200,
  serverErrors: 0,
  cpuPercent: 20,
  memoryUsedPercent: 40,
  dbLocks: 0,
  certOk: true,
  certDetail: '0 (ok)',
  ...change,
});

const metrics = (sample: MonitorSample, l = limits) => evaluate(sample, l).map((b) => b.metric);

describe('monitorThresholds', () => {
  it("takes the target's limits and the runbook's 1 % error rate", () => {
    expect(monitorThresholds(withDefaults({ transport: 'local' }))).toEqual(limits);
  });

  it('honours a maxErrorRatePercent the thresholds carry', () => {
    const target = withDefaults({ transport: 'local', thresholds: { maxCpuPercent: 90 } });
    (
      target.thresholds as TargetConfig['thresholds'] & { maxErrorRatePercent?: number }
    ).maxErrorRatePercent = 5;
    expect(monitorThresholds(target)).toMatchObject({ maxErrorRatePercent: 5, maxCpuPercent: 90 });
  });
});

describe('evaluate', () => {
  it('finds nothing in a healthy sample', () => {
    expect(evaluate(healthy(), limits)).toEqual([]);
  });

  it('response time must stay below the limit: 1999 ms passes, 2000 ms breaches', () => {
    expect(metrics(healthy({ responseMs: 1999 }))).toEqual([]);
    const [breach] = evaluate(healthy({ responseMs: 2000 }), limits);
    expect(breach).toEqual({
      metric: 'response',
      message: "response time 2000 ms, the runbook's limit is < 2000 ms",
    });
  });

  it('/health not answering, or answering other than 200, is a breach; a failed request has no response time', () => {
    expect(evaluate(healthy({ healthCode: 0, responseMs: 10_000 }), limits)).toEqual([
      { metric: 'health', message: '/health did not answer' },
    ]);
    expect(metrics(healthy({ healthCode: 503, responseMs: 2500 }))).toEqual(['health', 'response']);
  });

  it('error rate must stay below 1 %: 1 of 101 passes, 1 of 100 breaches, no requests is no rate', () => {
    expect(metrics(healthy({ requests: 101, serverErrors: 1 }))).toEqual([]);
    expect(evaluate(healthy({ requests: 100, serverErrors: 1 }), limits)).toEqual([
      {
        metric: 'errorRate',
        message: "error rate 1.0 % (1 of 100 requests answered 5xx), the runbook's limit is < 1 %",
      },
    ]);
    expect(metrics(healthy({ requests: 0, serverErrors: 0 }))).toEqual([]);
    expect(
      metrics(healthy({ requests: 4, serverErrors: 1 }), { ...limits, maxErrorRatePercent: 30 }),
    ).toEqual([]);
  });

  it('CPU must stay below 70 % and memory below 80 %', () => {
    expect(metrics(healthy({ cpuPercent: 69, memoryUsedPercent: 79 }))).toEqual([]);
    expect(evaluate(healthy({ cpuPercent: 70, memoryUsedPercent: 80 }), limits)).toEqual([
      { metric: 'cpu', message: "CPU 70 %, the runbook's limit is < 70 %" },
      { metric: 'memory', message: "memory 80 % used, the runbook's limit is < 80 %" },
    ]);
  });

  it('a CPU or memory limit of 100 % turns that check off', () => {
    const off = { ...limits, maxCpuPercent: 100, maxMemoryUsedPercent: 100 };
    expect(metrics(healthy({ cpuPercent: 100, memoryUsedPercent: 100 }), off)).toEqual([]);
    expect(metrics(healthy({ cpuPercent: 99 }), { ...limits, maxCpuPercent: 99 })).toEqual(['cpu']);
  });

  it('any database lock timeout line is a breach', () => {
    expect(evaluate(healthy({ dbLocks: 1 }), limits)).toEqual([
      { metric: 'dbLocks', message: '1 database lock timeout line in error.log' },
    ]);
    expect(evaluate(healthy({ dbLocks: 3 }), limits)[0]?.message).toBe(
      '3 database lock timeout lines in error.log',
    );
  });

  it('a certificate that fails verification is a breach; no https URL is no check', () => {
    expect(
      evaluate(healthy({ certOk: false, certDetail: '62 (hostname mismatch)' }), limits),
    ).toEqual([
      { metric: 'certificate', message: 'certificate chain not valid: 62 (hostname mismatch)' },
    ]);
    expect(metrics(healthy({ certOk: undefined, certDetail: undefined }))).toEqual([]);
  });

  it('an unmeasured metric is no breach', () => {
    expect(evaluate({ at: 0, cursor: FIRST_CURSOR }, limits)).toEqual([]);
  });

  it('reports every limit one sample breaks, in a fixed order', () => {
    const all = healthy({
      healthCode: 500,
      responseMs: 3000,
      requests: 10,
      serverErrors: 5,
      cpuPercent: 99,
      memoryUsedPercent: 95,
      dbLocks: 2,
      certOk: false,
    });
    expect(metrics(all)).toEqual([
      'health',
      'response',
      'errorRate',
      'cpu',
      'memory',
      'dbLocks',
      'certificate',
    ]);
  });
});
