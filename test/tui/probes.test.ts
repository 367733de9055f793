import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { startHealthProbe, type HealthSample } from '../../src/probes/health.js';
import { parseTail, startLogTail, tailCommand } from '../../src/probes/log-tail.js';
import {
  parseResources,
  resourceLevel,
  startResourceProbe,
  type ResourceSample,
} from '../../src/probes/resources.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { Transport } from '../../src/transport/types.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-probes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The probes over real peers: the local transport running bash, a real HTTP server, a real file. */
describe('probes', () => {
  const target = withDefaults({
    transport: 'local',
    paths: { app: dir, logs: dir },
    useSudo: false,
  });

  it('resources: parses disk, memory, load and CPU, and colors against the runbook limits', async () => {
    const s = parseResources(
      'disk 12 85\nmem 40\nload 0.50 0.25 0.10\ncpuStart 1000 800\ncpu 1100 850\n',
      1,
    );
    expect(s).toEqual({
      at: 1,
      rootDiskPercent: 12,
      appDiskPercent: 85,
      memoryPercent: 40,
      load: [0.5, 0.25, 0.1],
      cpuPercent: 50,
    });
    expect(resourceLevel('disk', 85, target.thresholds)).toBe('over');
    expect(resourceLevel('memory', 79, target.thresholds)).toBe('ok');
    expect(resourceLevel('cpu', 70, target.thresholds)).toBe('over');
    const samples: ResourceSample[] = [];
    const stop = startResourceProbe(new LocalTransport(), target, (x) => samples.push(x), 50);
    await waitFor(() => samples.length >= 2, 10_000);
    stop();
    expect(samples[0]).toMatchObject({
      rootDiskPercent: expect.any(Number),
      appDiskPercent: expect.any(Number),
      memoryPercent: expect.any(Number),
      load: [expect.any(Number), expect.any(Number), expect.any(Number)],
      cpuPercent: expect.any(Number),
    });
  });

  it('log tail: the last lines first, then what is appended, a partial line held back, a truncated file re-read', async () => {
    expect(parseTail('CVD-TAIL missing\n', 'x')).toEqual({ missing: true, lines: [], carry: '' });
    expect(parseTail('CVD-TAIL 12\nab\ncd', 'x')).toEqual({
      offset: 12,
      missing: false,
      lines: ['xab'],
      carry: 'cd',
    });
    const file = join(dir, 'error.log');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => `old ${i}`).join('\n') + '\n');
    const got: string[] = [];
    const stop = startLogTail(new LocalTransport(), target, (lines) => got.push(...lines), {
      intervalMs: 30,
    });
    await waitFor(() => got.includes('old 29'));
    expect(got[0]).toBe('old 10');
    appendFileSync(file, 'new ERROR one\nnew tw');
    await waitFor(() => got.includes('new ERROR one'));
    appendFileSync(file, 'o\n');
    await waitFor(() => got.includes('new two'));
    writeFileSync(file, 'rotated\n');
    await waitFor(() => got.includes('rotated'));
    stop();
    // Every value reaches the shell quoted: a hostile path is only a path.
    const out = execFileSync(
      'bash',
      ['-c', tailCommand(`${dir}/$(touch pwned)'`, 0, { initialLines: 1, maxBytes: 10 })],
      { encoding: 'utf8' },
    );
    expect(out).toBe('CVD-TAIL missing\n');
  });

  it('health: code, latency and the detailed status, directly or through the transport tunnel', async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/health/database') res.writeHead(500).end('{"status":"error"}');
      else
        res
          .writeHead(200)
          .end(req.url === '/health/detailed' ? '{"status":"healthy"}' : '{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const read = async (t: typeof target, transport: Transport) => {
      const samples: HealthSample[] = [];
      const stop = startHealthProbe(transport, t, (s) => samples.push(s), { intervalMs: 50 });
      await waitFor(() => samples.length > 0);
      stop();
      return samples[0]!;
    };
    const direct = await read(
      { ...target, appUrl: `http://127.0.0.1:${port}` },
      new LocalTransport(),
    );
    expect(direct.via).toBe('direct');
    expect(direct.readings.map((r) => [r.path, r.code, r.status])).toEqual([
      ['/health', 200, undefined],
      ['/health/detailed', 200, 'healthy'],
      ['/health/database', 500, undefined],
    ]);
    expect(direct.readings[0]!.latencyMs).toEqual(expect.any(Number));
    // An ssh target whose app listens on the server's loopback: every request goes through forward().
    const forwarded: string[] = [];
    const ssh: Transport = {
      description: 'ops@prod:22',
      exec: async () => ({ outcome: { kind: 'exited', code: 0 }, output: '' }),
      forward: async (host, p) => (forwarded.push(`${host}:${p}`), connect(port, '127.0.0.1')),
      close: async () => undefined,
    };
    const tunnelled = await read(
      { ...target, transport: 'ssh', appUrl: 'http://localhost:5000' },
      ssh,
    );
    expect(tunnelled.via).toBe('tunnel');
    expect(tunnelled.readings.map((r) => r.code)).toEqual([200, 200, 500]);
    expect(forwarded[0]).toBe('localhost:5000');
    const down = await read({ ...target, appUrl: 'http://127.0.0.1:1' }, new LocalTransport());
    expect(down.readings[0]).toEqual({
      name: 'health',
      path: '/health',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
