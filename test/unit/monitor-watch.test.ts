import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { watch } from '../../src/monitor/watch.js';
import type { ExecResult, Transport } from '../../src/transport/types.js';
import { tagged } from '../helpers/facts.js';

const target = withDefaults({ transport: 'local' });
const HEALTHY =
  'CVD-FACT health=200 0.010\nCVD-FACT access=100 5 0\nCVD-FACT memoryUsedPercent=40\n';

/** A transport that answers each sample script with the next canned result (the last one repeats). */
function fake(...results: ExecResult[]): Transport & { calls: number } {
  return {
    description: 'fake',
    calls: 0,
    // Answers as a target would: its fact lines carry the nonce the command was sent.
    async exec(_command, options) {
      const result = results[Math.min(this.calls++, results.length - 1)]!;
      return { ...result, output: tagged(result.output, options?.stdin?.split('\n')[0]) };
    },
    async close() {},
  };
}
const exited = (output: string): ExecResult => ({ outcome: { kind: 'exited', code: 0 }, output });

describe('watch', () => {
  it('samples every interval until the window ends, then passes', async () => {
    const transport = fake(exited(HEALTHY));
    const seen: number[] = [];
    const result = await watch({
      transport,
      target,
      intervalSeconds: 0.02,
      durationMinutes: 0.1 / 60,
      onSample: (s) => seen.push(s.responseMs!),
    });
    expect(result.status).toBe('passed');
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(result.tally).toMatchObject({ samples: seen.length, maxResponseMs: 10 });
  });

  it('stops at the first breach and reports it', async () => {
    const transport = fake(exited(HEALTHY), exited('CVD-FACT health=200 2.5\n'));
    const reported: string[] = [];
    const result = await watch({
      transport,
      target,
      intervalSeconds: 0.01,
      durationMinutes: 1,
      onBreach: (breaches) => reported.push(...breaches.map((b) => b.metric)),
    });
    expect(result.status).toBe('breached');
    expect(reported).toEqual(['response']);
    expect(transport.calls).toBe(2);
  });

  it('gives up, as stopped, when samples fail in a row', async () => {
    const transport = fake({ outcome: { kind: 'lost', reason: 'reset' }, output: '' });
    const result = await watch({ transport, target, intervalSeconds: 0.01, durationMinutes: 1 });
    expect(result).toMatchObject({
      status: 'stopped',
      reason: expect.stringMatching(/^3 samples in a row failed: connection lost: reset/),
    });
  });

  it('stops when the signal aborts, between samples', async () => {
    const controller = new AbortController();
    const result = await watch({
      transport: fake(exited(HEALTHY)),
      target,
      intervalSeconds: 60,
      signal: controller.signal,
      onSample: () => controller.abort(),
    });
    expect(result).toMatchObject({ status: 'stopped', reason: 'stopped by the operator' });
    expect(result.tally.samples).toBe(1);
  });
});
