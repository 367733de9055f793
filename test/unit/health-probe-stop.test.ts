import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { startHealthProbe, type HealthSample } from '../../src/probes/health.js';
import { LocalTransport } from '../../src/transport/local.js';

describe('a health probe stopped by its own sample', () => {
  afterEach(() => vi.restoreAllMocks());

  it('schedules no next reading (a one-reading gate leaves no timer behind)', async () => {
    // A port nobody listens on: every endpoint is refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const target = withDefaults({ transport: 'local', appUrl: `http://127.0.0.1:${port}` });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const sample = await new Promise<HealthSample>((resolve) => {
      const stop = startHealthProbe(
        new LocalTransport(),
        target,
        (s) => {
          stop();
          resolve(s);
        },
        { intervalMs: 60_000 },
      );
    });
    expect(sample.readings.every((r) => r.error !== undefined)).toBe(true);
    expect(timers.mock.calls.filter(([, ms]) => ms === 60_000)).toEqual([]);
  });
});
