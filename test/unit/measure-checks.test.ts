import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { diskCheck } from '../../src/doctor/system.js';
import { evaluateChecklist } from '../../src/steps/checklist.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import type { Facts } from '../../src/steps/types.js';

const target = withDefaults({ transport: 'local', useSudo: false });
const step11 = DEPLOY_STEPS.find((s) => s.id === '1.1')!;
const verify11 = (facts: Facts) =>
  step11.verify(
    { exitCode: 0, output: '', facts },
    {
      target,
      targetName: 'prod',
      operator: 'alice',
      deploymentId: 'd',
      startedAt: 0,
      version: 'v1.0.1',
      facts: {},
      secrets: {},
    },
  );

/** A measurement that printed nothing (no MemAvailable, df refused) fails its check instead of reading as 0 %. */
describe('the checks that read the shared measurements', () => {
  it('1.1: memory and disk below the limits pass; an empty measurement is no measurement', () => {
    const measured = {
      serviceState: 'active',
      proxyState: 'active',
      diskUsedPercent: '40',
      memoryUsedPercent: '39',
    };
    expect(verify11(measured)).toMatchObject({ ok: true });
    expect(verify11({ ...measured, memoryUsedPercent: '' })).toMatchObject({
      ok: false,
      summary: expect.stringContaining('memory use (%): no measurement'),
    });
    expect(verify11({ ...measured, diskUsedPercent: '85' })).toMatchObject({
      ok: false,
      summary: expect.stringContaining(
        "disk use of the app filesystem (%) is 85, the runbook's limit is < 80",
      ),
    });
  });

  it('checklist tech.5: free disk from the used percent; nothing measured is not 100 % free', () => {
    const tech5 = (facts: Facts) => evaluateChecklist(facts, target).get('tech.5');
    expect(tech5({ diskUsedPercent: '23' })).toEqual({
      ok: true,
      text: `77% free on ${target.paths.app}`,
    });
    expect(tech5({ diskUsedPercent: '' })).toEqual({
      ok: false,
      text: 'could not measure free disk',
    });
  });

  it('doctor disk: the same numbers and messages', () => {
    const judge = (diskUsedPercent: string) => diskCheck.judge({ diskUsedPercent }, target, '')[0];
    expect(judge('85')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('only 15% free'),
    });
    expect(judge('')).toMatchObject({
      ok: false,
      detail: `could not measure free disk at ${target.paths.app}`,
    });
  });
});
