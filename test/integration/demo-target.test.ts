import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import { buildDemoTarget, stopDemoService, type DemoTarget } from '../../src/demo/build.js';

interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

// GIT_DIR and friends are set when tests run from a git hook: keep them away from the demo's repos.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')),
);

/** Runs a program; resolves with its exit code instead of rejecting. */
function exec(file: string, args: string[], input?: string): Promise<Done> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr,
      }),
    );
    // A program may exit before reading all its input (sqlite3 -bail at the first error).
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

async function waitFor<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

describe('demo target', () => {
  let demo: DemoTarget;
  let tls: Agent;
  let buildMs = 0;
  const extraDirs: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cvd-demo-'));
  const at = (...parts: string[]) => join(demo.dir, ...parts);
  const cvdctl = (...args: string[]) => exec(at('bin', 'cvdctl'), args);
  const sqlite = (sql: string) => exec('sqlite3', ['-bail', at('data', 'cvd.db')], sql);
  const git = (...args: string[]) => exec('git', ['-C', at('app'), ...args]);

  function call(base: string, path: string, body?: unknown) {
    const url = new URL(`${base}${path}`);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<{ status: number; text: string; json: unknown }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: body === undefined ? 'GET' : 'POST',
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          agent: url.protocol === 'https:' ? tls : undefined,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              text,
              json: String(response.headers['content-type'] ?? '').includes('json')
                ? (JSON.parse(text) as unknown)
                : undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
  const bases = () => [`http://127.0.0.1:${demo.appPort}`, `https://localhost:${demo.httpsPort}`];

  beforeAll(async () => {
    const started = Date.now();
    demo = await buildDemoTarget(dir);
    buildMs = Date.now() - started;
    // Verification stays on: the demo's own certificate is the only CA trusted.
    tls = new Agent({ ca: readFileSync(at('config', 'tls', 'cert.pem')) });
  });

  afterAll(async () => {
    await stopDemoService(dir);
    tls?.destroy();
    for (const d of [dir, ...extraDirs]) rmSync(d, { recursive: true, force: true });
  });

  it('writes a valid config pointing at the demo', () => {
    expect(buildMs).toBeLessThan(15_000);
    expect(demo.configPath).toBe(join(dir, 'cvd-tui.json'));
    expect(statSync(demo.configPath).mode & 0o777).toBe(0o600);
    const { name, target } = loadTarget(demo.configPath);
    expect(name).toBe('demo');
    expect(target).toMatchObject({
      transport: 'local',
      useSudo: false,
      serviceCtl: at('bin', 'cvdctl'),
      serviceUnitPath: at('etc', 'cvd.service'),
      paths: { app: at('app'), database: at('data', 'cvd.db'), deployments: at('deployments') },
      appUrl: `http://127.0.0.1:${demo.appPort}`,
      publicUrl: `https://localhost:${demo.httpsPort}`,
      caFile: at('config', 'tls', 'cert.pem'),
    });
    expect(readdirSync(at('backups'))).toEqual([expect.stringMatching(/^nightly_\d{8}\.db$/)]);
    expect(readdirSync(at('deployments'))).toEqual([]);
  });

  it('runs v1.0.0 from a clone of the tagged origin', async () => {
    expect((await git('describe', '--tags')).stdout.trim()).toBe('v1.0.0');
    expect((await git('remote', 'get-url', 'origin')).stdout.trim()).toBe(at('repo.git'));
    const tags = await exec('git', ['--git-dir', at('repo.git'), 'tag', '--list']);
    expect(tags.stdout.trim().split('\n')).toEqual(['v1.0.0', 'v1.0.1', 'v1.0.2']);
    expect((await sqlite('PRAGMA journal_mode;')).stdout.trim()).toBe('delete');
  });

  it('controls the service like systemctl', async () => {
    expect(await cvdctl('is-active')).toMatchObject({ code: 0, stdout: 'active\n' });
    expect(await cvdctl('is-active', 'cvd')).toMatchObject({ code: 0, stdout: 'active\n' });
    const status = await cvdctl('status', 'cvd');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/● cvd\.service - CVD demo app[\s\S]*Active: active \(running\)/);
    const pid = Number(readFileSync(at('run', 'cvd.pid'), 'utf8'));
    expect(status.stdout).toContain(`Main PID: ${pid}`);
    const detailed = await call(bases()[0]!, '/health/detailed');
    expect(detailed.json).toMatchObject({ pid });
    expect((await cvdctl('daemon-reload')).code).toBe(0);
    expect((await cvdctl('bogus')).code).toBe(2);
  });

  it('answers every endpoint over HTTP and HTTPS', async () => {
    for (const base of bases()) {
      expect(await call(base, '/health')).toMatchObject({
        status: 200,
        json: { status: 'ok', version: 'v1.0.0' },
      });
      const detailed = await call(base, '/health/detailed');
      expect(detailed).toMatchObject({
        status: 200,
        json: { status: 'healthy', version: 'v1.0.0', database: 'ok' },
      });
      expect(detailed.json).toHaveProperty('uptimeSeconds', expect.any(Number));
      expect((await call(base, '/health/database')).status).toBe(200);
      const login = await call(base, '/api/auth/login', {
        username: 'test_user',
        password: 'test_password',
      });
      expect(login).toMatchObject({
        status: 200,
        json: { token: expect.stringMatching(/^[0-9a-f]{48}$/) },
      });
      expect(
        (await call(base, '/api/auth/login', { username: 'test_user', password: 'nope' })).status,
      ).toBe(401);
      expect(
        (await call(base, '/api/auth/login', { username: 'nobody', password: 'test_password' }))
          .status,
      ).toBe(401);
      const devices = await call(base, '/api/devices');
      expect(devices.status).toBe(200);
      expect(devices.json).toHaveLength(3);
      const planograms = await call(base, '/api/planograms');
      expect(planograms.status).toBe(200);
      expect(planograms.json).toHaveLength(3);
      const home = await call(base, '/');
      expect(home.status).toBe(200);
      expect(home.text).toContain('<html');
      expect((await call(base, '/manifest.json')).status).toBe(200);
      expect((await call(base, '/service-worker.js')).status).toBe(200);
      expect((await call(base, '/no/such/page')).status).toBe(404);
    }
    const access = readFileSync(at('logs', 'access.log'), 'utf8');
    expect(access).toMatch(/http "GET \/health HTTP\/1\.1" 200/);
    expect(access).toMatch(/https "GET \/service-worker\.js HTTP\/1\.1" 200/);
    expect(readFileSync(at('logs', 'error.log'), 'utf8')).not.toMatch(/ERROR/);
  });

  it('a v1.0.2 deploy starts but fails its database check until the database is restored', async () => {
    expect((await cvdctl('stop', 'cvd')).code).toBe(0);
    expect(await cvdctl('is-active', 'cvd')).toMatchObject({ code: 3, stdout: 'inactive\n' });
    expect((await cvdctl('stop')).code).toBe(0);
    const preDeploy = at('backups', 'pre_deploy_test.db');
    copyFileSync(at('data', 'cvd.db'), preDeploy);

    expect((await git('checkout', '--quiet', 'v1.0.2')).code).toBe(0);
    const migration = (tag: string) =>
      readFileSync(at('app', 'migrations', `migration_${tag}.sql`), 'utf8');
    expect(await sqlite(migration('v1.0.1'))).toMatchObject({ code: 0 });
    // Not idempotent on purpose: a second application is an error.
    const twice = await sqlite(migration('v1.0.1'));
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toMatch(/duplicate column name: firmware/);
    expect(await sqlite(migration('v1.0.2'))).toMatchObject({ code: 0 });

    expect((await cvdctl('start', 'cvd')).code).toBe(0);
    const [http, https] = bases() as [string, string];
    await waitFor(
      () => call(http, '/health'),
      (r) => r.status === 200 && (r.json as { version?: string }).version === 'v1.0.2',
    );
    expect((await call(https, '/health')).status).toBe(200);
    expect((await call(http, '/health/database')).status).toBe(500);
    expect((await call(https, '/health/detailed')).json).toMatchObject({
      status: 'degraded',
      database: 'error',
    });
    expect(readFileSync(at('logs', 'error.log'), 'utf8')).toMatch(
      /ERROR database check failed: .*planogram_v2/,
    );

    // Rolling back the code alone does not help: v1.0.0 cannot read the new schema.
    expect((await cvdctl('stop')).code).toBe(0);
    expect((await git('checkout', '--quiet', 'v1.0.0')).code).toBe(0);
    expect((await cvdctl('start')).code).toBe(0);
    await waitFor(
      () => call(http, '/health'),
      (r) => (r.json as { version?: string }).version === 'v1.0.0',
    );
    expect((await call(http, '/health/database')).status).toBe(500);

    expect((await cvdctl('restart', 'cvd')).code).toBe(0);
    expect((await cvdctl('stop')).code).toBe(0);
    copyFileSync(preDeploy, at('data', 'cvd.db'));
    expect((await cvdctl('start')).code).toBe(0);
    await waitFor(
      () => call(http, '/health/database'),
      (r) => r.status === 200,
    );
  });

  it('refuses a non-empty directory that is not a demo', async () => {
    const other = mkdtempSync(join(tmpdir(), 'cvd-demo-other-'));
    extraDirs.push(other);
    writeFileSync(join(other, 'cvd-tui.json'), '{}');
    await expect(buildDemoTarget(other)).rejects.toThrow(/is not empty and is not a cvd-tui demo/);
    expect(readdirSync(other)).toEqual(['cvd-tui.json']);
  });

  it('rebuilds an existing demo in place, stopping the old app first', async () => {
    const oldPid = Number(readFileSync(at('run', 'cvd.pid'), 'utf8'));
    writeFileSync(at('deployments', 'leftover'), 'x');
    demo = await buildDemoTarget(dir);
    const oldCmdline = existsSync(`/proc/${oldPid}`)
      ? readFileSync(`/proc/${oldPid}/cmdline`, 'utf8')
      : '';
    expect(oldCmdline).not.toContain(at('app', 'server.mjs'));
    expect(readdirSync(at('deployments'))).toEqual([]);
    expect(await call(bases()[0]!, '/health')).toMatchObject({
      status: 200,
      json: { version: 'v1.0.0' },
    });
  });
});
