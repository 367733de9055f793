import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { buildExecutionLog } from '../../src/export/build.js';
import { StateStore } from '../../src/state/store.js';
import { baselineOf, compareBaselines } from '../../src/steps/baseline.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import { factsOf } from '../helpers/facts.js';

const measured = (seconds: string, disk: string, memory: string, load: string) => ({
  responseSeconds: seconds,
  diskUsedPercent: disk,
  memoryUsedPercent: memory,
  load: `${load} 0.10 0.05`,
});

describe('4.2 performance baseline', () => {
  it('takes the median response time and the 1-minute load', () => {
    expect(baselineOf(measured('0.010 0.300 0.020 0.015 0.012', '40', '50', '0.70'))).toEqual({
      responseMs: 15,
      diskUsedPercent: 40,
      memoryUsedPercent: 50,
      load1: 0.7,
    });
    expect(baselineOf({})).toBeUndefined();
  });

  it('flags a regression only past both the relative threshold and an absolute floor', () => {
    const before = baselineOf(measured('0.100 0.100 0.100 0.100 0.100', '40', '50', '0.50'))!;
    const after = baselineOf(measured('0.400 0.400 0.400 0.400 0.400', '42', '50', '0.60'))!;
    const deltas = compareBaselines(after, before, 50);
    expect(deltas.find((d) => d.metric === 'responseMs')).toMatchObject({
      previous: 100,
      current: 400,
      changePercent: 300,
      regression: true,
    });
    expect(deltas.find((d) => d.metric === 'diskUsedPercent')).toMatchObject({
      changePercent: 5,
      regression: false,
    });
    // +20 % of a small load is noise, not a regression.
    expect(deltas.find((d) => d.metric === 'load1')?.regression).toBe(false);
    const tiny = compareBaselines(
      baselineOf(measured('0.002 0.002 0.002 0.002 0.002', '40', '50', '0.5'))!,
      baselineOf(measured('0.001 0.001 0.001 0.001 0.001', '40', '50', '0.5'))!,
      50,
    );
    expect(tiny.find((d) => d.metric === 'responseMs')).toMatchObject({
      changePercent: 100,
      regression: false,
    });
  });

  it('4.2 warns about a regression against the seeded previous deployment, and the export shows the deltas', () => {
    const store = StateStore.open(join(mkdtempSync(join(tmpdir(), 'cvd-baseline-')), 'state.db'));
    const start = (id: string, at: number) =>
      store.createDeployment({
        id,
        target: 'prod',
        operator: 'alice',
        jumpHost: 'j',
        versionFrom: 'v1',
        versionTo: 'v2',
        startedAt: at,
      });
    start('previous', 1000);
    store.recordFacts(
      'previous',
      '4.2',
      measured('0.100 0.100 0.100 0.100 0.100', '40', '50', '0.50'),
    );
    store.setStatus('previous', 'succeeded', 'alice');
    start('current', 2000);
    const output = [
      'CVD-FACT responseSeconds=0.400 0.400 0.400 0.400 0.400',
      'CVD-FACT diskUsedPercent=40',
      'CVD-FACT memoryUsedPercent=50',
      'CVD-FACT load=0.50 0.1 0.1',
    ].join('\n');
    store.recordFacts('current', '4.2', { ...factsOf(output) });

    const step = DEPLOY_STEPS.find((s) => s.id === '4.2')!;
    const target = withDefaults({ transport: 'local' });
    const ctx = {
      target,
      targetName: 'prod',
      operator: 'a',
      deploymentId: 'current',
      startedAt: 2000,
      version: 'v2',
      facts: {},
      secrets: {},
      previousFacts: store.facts('previous'),
    };
    const verdict = step.verify({ exitCode: 0, output, facts: factsOf(output) }, ctx);
    expect(verdict.ok).toBe(true);
    expect(verdict.summary).toContain('responseMs 100 ms → 400 ms (+300 %)');
    expect(verdict.warnings).toEqual([
      'regression against the previous deployment: responseMs 100 ms → 400 ms (+300 %)',
    ]);

    const log = buildExecutionLog(store, 'current');
    expect(log.baseline?.previousDeploymentId).toBe('previous');
    expect(log.baseline?.deltas.filter((d) => d.regression).map((d) => d.metric)).toEqual([
      'responseMs',
    ]);
    store.close();
  });
});
