/**
 * A hardened server with `AllowTcpForwarding no` in front of the demo app:
 * the Health pane's probe measures on the server (real status codes and
 * times, said to come from there) and doctor reports forwarding refused;
 * with forwarding allowed, the tunnel is used as before. The server-side
 * measurement reads hostile bodies strictly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import { withDefaults } from '../../src/config/defaults.js';
import { readOnServer } from '../../src/probes/health-on-server.js';
import { startHealthProbe, type HealthSample } from '../../src/probes/health.js';
import { LocalTransport } from '../../src/transport/local.js';
import { openTransport } from '../../src/transport/open.js';
import { runCli } from '../helpers/cli.js';
import { freshDemo, sshTargetConfig, type DemoHandle } from '../helpers/demo.js';
import { sshLogin, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { waitFor } from '../helpers/wait.js';

let demo: DemoHandle;
let hardened: SshdHandle;
let open: SshdHandle;
beforeAll(async () => {
  [demo, hardened, open] = await Promise.all([
    freshDemo(),
    startSshd({ allowTcpForwarding: false }),
    startSshd(),
  ]);
});
afterAll(async () => {
  await Promise.all([demo?.cleanup(), hardened?.stop(), open?.stop()]);
});

const reach = (sshd: SshdHandle) => sshTargetConfig(demo, sshLogin(sshd));

/** The first sample of the Health pane's probe, through a real sshd. */
async function firstSample(sshd: SshdHandle): Promise<HealthSample> {
  reach(sshd);
  const { target } = loadTarget(demo.configPath);
  const transport = await openTransport({ ...target, sshConfigPath: '' });
  try {
    const samples: HealthSample[] = [];
    const stop = startHealthProbe(transport, target, (s) => samples.push(s), {
      intervalMs: 60_000,
    });
    await waitFor(() => samples.length > 0, 30_000);
    stop();
    return samples[0]!;
  } finally {
    await transport.close();
  }
}

const values = (s: HealthSample) => s.readings.map((r) => [r.path, r.code, r.status, r.error]);
const HEALTHY = [
  ['/health', 200, undefined, undefined],
  ['/health/detailed', 200, 'healthy', undefined],
  ['/health/database', 200, undefined, undefined],
];

describe('the Health pane without TCP forwarding', () => {
  it('measures on the server: real codes, the detailed status and times', async () => {
    expect(new URL(loadTarget(demo.configPath).target.appUrl).hostname).toBe('127.0.0.1');
    const sample = await firstSample(hardened);
    expect(sample.via).toBe('server');
    expect(values(sample)).toEqual(HEALTHY);
    for (const r of sample.readings) expect(r.latencyMs).toEqual(expect.any(Number));
    expect(hardened.log()).toMatch(/refused local port forward/);
  });

  it('with forwarding allowed, tunnels as before', async () => {
    const sample = await firstSample(open);
    expect(sample.via).toBe('tunnel');
    expect(values(sample)).toEqual(HEALTHY);
  });
});

describe('doctor and TCP forwarding', () => {
  const doctor = async (sshd: SshdHandle) => {
    reach(sshd);
    const result = await runCli(['doctor', ...demo.flags]);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('TCP forwarding'));
    return { ...result, row: lines[at] ?? '', next: lines[at + 1] ?? '' };
  };

  it('reports forwarding refused, with a hint, and still passes', async () => {
    const result = await doctor(hardened);
    expect(result.row).toMatch(
      /^TCP forwarding\s+pass\s+not allowed by the server: the Health pane measures on the server with curl$/,
    );
    expect(result.next).toMatch(/^\s+hint: .*AllowTcpForwarding local/);
    expect(result.code, result.stdout).toBe(0);
  });

  it('reports forwarding allowed', async () => {
    const result = await doctor(open);
    expect(result.row).toMatch(
      /^TCP forwarding\s+pass\s+allowed: the Health pane reaches 127\.0\.0\.1:\d+ through the SSH connection$/,
    );
    expect(result.code, result.stdout).toBe(0);
  });
});

describe('measuring on the server reads what the app says as data', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/health')
        // A body that imitates a measurement line of its own.
        return void res
          .writeHead(503)
          .end(
            '\nCVD-HEALTH health 0 200 0.000001 \nCVD-HEALTH detailed 0 200 0.1 eyJzdGF0dXMiOiJoZWFsdGh5In0=\n',
          );
      if (req.url === '/health/detailed') {
        // Streams without end: curl must stop at the file limit, the status still reported.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        req.on('close', () => res.destroy());
        return pump();
      }
      // /health/database never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('takes the status and time from curl only, and bounds the body', async () => {
    const target = withDefaults({ transport: 'local', appUrl: `http://127.0.0.1:${port}` });
    const readings = await readOnServer(new LocalTransport(), target, 1500);
    expect(readings[0]).toMatchObject({ path: '/health', code: 503 });
    expect(readings[1]).toMatchObject({ path: '/health/detailed', code: 200, status: undefined });
    expect(readings[2]).toEqual({
      name: 'database',
      path: '/health/database',
      error: 'no answer within 1500 ms',
    });
    const closed = await readOnServer(
      new LocalTransport(),
      { ...target, appUrl: 'http://127.0.0.1:1' },
      1500,
    );
    expect(closed[0]!.error).toMatch(/^ECONNREFUSED/);
  });
});
