import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { startHealthProbe, type HealthSample } from '../../src/probes/health.js';
import { LocalTransport } from '../../src/transport/local.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 13: the Health pane's polling of a failing /health/database added an
 * error.log line every 3 s. A failing endpoint is now asked less and less
 * often (here 40 ms → 80 → 160 → … max 640 ms) while the others keep the
 * normal interval; once it answers again, its normal interval comes back.
 * A real HTTP server counts the requests.
 */
describe('health probe back-off', () => {
  const stops: (() => void)[] = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  /**
   * A real app stand-in whose /health/database answers 500 while `databaseUp()`
   * is false, polled every 40 ms with at most `maxIntervalMs` between two
   * requests to a failing endpoint. Counts the requests per path.
   */
  async function probed(databaseUp: () => boolean, maxIntervalMs: number) {
    const asked: Record<string, number> = {};
    const server = createServer((req, res) => {
      asked[req.url!] = (asked[req.url!] ?? 0) + 1;
      if (req.url === '/health/database' && !databaseUp())
        res.writeHead(500).end('{"status":"error"}');
      else res.writeHead(200).end('{"status":"healthy"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const target = withDefaults({ transport: 'local', appUrl: `http://127.0.0.1:${port}` });
    const samples: HealthSample[] = [];
    const probe = startHealthProbe(new LocalTransport(), target, (s) => samples.push(s), {
      intervalMs: 40,
      maxIntervalMs,
    });
    stops.push(probe);
    return { asked, samples, probe };
  }

  it('asks a failing endpoint less often, says when it is asked next, and recovers', async () => {
    let databaseUp = false;
    const { asked, samples } = await probed(() => databaseUp, 640);
    await waitFor(() => (asked['/health'] ?? 0) >= 40, 30_000);
    const database = asked['/health/database']!;
    // Every poll for /health; /health/database at 0, 40, 120, 280, 600, then every 640 ms.
    expect(database).toBeLessThan(asked['/health']! / 3);
    const last = samples.at(-1)!.readings;
    expect(last.map((r) => r.code)).toEqual([200, 200, 500]);
    expect(last[2]!.nextCheckAt).toBeGreaterThan(samples.at(-1)!.at);
    expect(last[0]!.nextCheckAt).toBeUndefined();

    databaseUp = true;
    await waitFor(() => samples.at(-1)!.readings[2]!.code === 200, 30_000);
    expect(samples.at(-1)!.readings[2]!.nextCheckAt).toBeUndefined();
    const recovered = asked['/health/database']!;
    const healthAt = asked['/health']!;
    await waitFor(() => asked['/health']! >= healthAt + 10, 30_000);
    // Back to every poll (give or take the one in flight).
    expect(asked['/health/database']! - recovered).toBeGreaterThanOrEqual(8);
  });

  it('checkNow asks a backing-off endpoint at once', async () => {
    const { asked, samples, probe } = await probed(() => false, 60_000);
    const waiting = () => samples.at(-1)?.readings[2]?.nextCheckAt ?? 0;
    await waitFor(() => waiting() - Date.now() > 2000, 30_000);
    const due = waiting();
    const before = asked['/health/database']!;
    probe.checkNow();
    await waitFor(() => asked['/health/database']! > before, 10_000);
    // Asked again well before its back-off would have.
    expect(Date.now()).toBeLessThan(due);
  });
});
