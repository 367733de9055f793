import { describe, expect, it } from 'vitest';
import type { TargetState } from '../../src/engine/target-state.js';
import { downtime, fitStrip, stripParts } from '../../src/screens/components/strip-text.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const down: TargetState = {
  service: 'down',
  downSince: T0,
  stoppedBy: '2.1',
  startStep: '3.1',
  startRuns: ['2.2', '2.3', '2.4', '3.1'],
  code: 'v1.0.1',
  migration: 'applied',
  migrated: 'v1.0.1 v1.0.2',
  rollback: 'ready',
  lockHolder: 'alice',
};
const line = (s: TargetState | undefined, width: number, now = T0 + 42_000, code?: string) =>
  fitStrip(stripParts(s, { serviceName: 'cvd', now, code }), width).join(' · ');

describe('the status strip, in words', () => {
  it('counts downtime as mm:ss, and h:mm:ss past an hour', () => {
    expect(downtime(42_000)).toBe('00:42');
    expect(downtime(12 * 60_000 + 3_000)).toBe('12:03');
    expect(downtime(3_723_000)).toBe('1:02:03');
    expect(downtime(-5)).toBe('00:00');
  });

  it('says everything at 100 columns and keeps the service first, with its counter, at 80 and narrower', () => {
    expect(line(down, 100)).toBe(
      'cvd DOWN 00:42 · code v1.0.1 · migrated v1.0.1 v1.0.2 · rollback ready · lock alice',
    );
    expect(line(down, 80)).toBe('cvd DOWN 00:42 · code v1.0.1 · migrated · R ready · lock alice');
    // What does not fit goes from the end: the lock before the rollback, the service never.
    expect(line({ ...down, lockHolder: 'a-very-long-operator-name' }, 80)).toBe(
      'cvd DOWN 00:42 · code v1.0.1 · migrated · R ready',
    );
    expect(line(down, 20)).toBe('cvd DOWN 00:42');
  });

  it('names every other service state without a counter', () => {
    const up = { ...down, service: 'up', downSince: undefined, serving: 'v1.0.1' } as const;
    expect(line(up, 100)).toMatch(/^cvd up, serving v1\.0\.1 · /);
    expect(line({ ...down, service: 'starting' }, 100)).toMatch(
      /^cvd DOWN 00:42 \(3\.1 starting\) · /,
    );
    expect(line({ ...up, service: 'stopping', serving: undefined }, 100)).toMatch(
      /^cvd stopping · /,
    );
    expect(line({ ...up, service: 'unknown', code: undefined }, 100)).toMatch(
      /^cvd state unknown · code \? · /,
    );
    expect(line(undefined, 100, T0, 'v1.0.0')).toBe(
      'cvd untouched · code v1.0.0 · no deployment in progress',
    );
  });
});
