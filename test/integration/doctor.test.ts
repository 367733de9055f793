/**
 * `cvd-tui doctor` against a healthy demo target (every check passes, exit
 * 0) and broken ones (each failure named, with a hint, exit 1), over the
 * local transport and over a real sshd.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, INVOKED } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { sshLogin, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { doctorRows, failures } from '../helpers/doctor.js';

let demo: DemoHandle;
let sshd: SshdHandle;
let n = 0;
beforeAll(async () => {
  [demo, sshd] = await Promise.all([freshDemo(), startSshd()]);
});
afterAll(async () => {
  await Promise.all([demo?.cleanup(), sshd?.stop()]);
});

/** Runs doctor on a copy of the demo config with `change` applied to its target. */
/** The demo target as JSON: what a test may change in its copy. */
type TargetJson = Record<string, unknown> & { paths: Record<string, string> };

async function doctor(change: (target: TargetJson) => void = () => undefined) {
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  change(config.targets.demo);
  const file = join(demo.dir, `doctor-${++n}.json`);
  writeFileSync(file, JSON.stringify(config));
  const result = await runCli(['doctor', '--config', file]);
  return { ...result, rows: doctorRows(result.stdout) };
}

const EVERY_CHECK = [
  'connection',
  'host key',
  'app user',
  'path app',
  'path database',
  'path backups',
  'path logs',
  'path config',
  'path deployments',
  'tool sqlite3',
  'tool git',
  'tool curl',
  'tool openssl',
  'service cvd',
  'app URL',
  'public URL',
  'certificate',
  'disk',
  'deploy lock',
];

describe('doctor on the demo (local transport)', () => {
  it('passes every check on a healthy target, exit 0', async () => {
    const result = await doctor();
    expect([...result.rows.keys()]).toEqual(EVERY_CHECK);
    expect(failures(result.rows), result.stdout).toEqual([]);
    expect(result.stdout).toContain('All 19 checks passed.');
    expect(result.code).toBe(0);
  });

  it('names a stopped service (and the app URL that stops answering), exit 1', async () => {
    execFileSync(join(demo.dir, 'bin', 'cvdctl'), ['stop']);
    try {
      const result = await doctor();
      expect(failures(result.rows), result.stdout).toEqual([
        'service cvd',
        'app URL',
        'public URL',
        'certificate',
      ]);
      expect(result.rows.get('service cvd')).toMatchObject({
        detail: expect.stringMatching(/known to .*cvdctl but inactive/),
        hint: expect.stringContaining('start cvd'),
      });
      expect(result.code).toBe(1);
    } finally {
      execFileSync(join(demo.dir, 'bin', 'cvdctl'), ['start']);
    }
  });

  it('names a missing path', async () => {
    const result = await doctor((t) => (t.paths.backups = join(demo.dir, 'no-such-dir')));
    expect(failures(result.rows), result.stdout).toEqual(['path backups']);
    expect(result.rows.get('path backups')).toMatchObject({
      detail: expect.stringMatching(/no-such-dir does not exist$/),
      hint: expect.stringContaining('paths.backups'),
    });
    expect(result.code).toBe(1);
  });

  it('checks paths as the app user through sudo -n -u: names the ones it cannot write', async () => {
    // The demo is root's; an app user "nobody" can write only the directory given to it.
    // Outside the demo: its mkdtemp directory is 0700, which nobody cannot even enter.
    const base = mkdtempSync(join(tmpdir(), 'cvd-nobody-'));
    chmodSync(base, 0o755);
    const own = join(base, 'nobody-logs');
    mkdirSync(own);
    execFileSync('chown', ['nobody', own]);
    const result = await doctor((t) =>
      Object.assign(t, { useSudo: true, appUser: 'nobody', paths: { ...t.paths, logs: own } }),
    );
    expect(result.rows.get('sudo -u nobody')!.ok).toBe(true);
    // deployments too: the journal and the lock are written as the app user.
    expect(failures(result.rows), result.stdout).toEqual([
      'path app',
      'path database',
      'path backups',
      'path config',
      'path deployments',
    ]);
    expect(result.rows.get('path app')).toMatchObject({
      detail: expect.stringMatching(/app is not writable by nobody$/),
      hint: expect.stringMatching(/^chown -R nobody /),
    });
    expect(result.rows.get('path logs')!.detail).toMatch(/nobody-logs exists, writable by nobody$/);
    expect(result.code).toBe(1);
    rmSync(base, { recursive: true });
  });

  it('names an unreachable app URL and public URL', async () => {
    const result = await doctor((t) => {
      t.appUrl = 'http://127.0.0.1:9';
      t.publicUrl = 'https://127.0.0.1:9';
    });
    expect(failures(result.rows), result.stdout).toEqual(['app URL', 'public URL', 'certificate']);
    expect(result.rows.get('app URL')!.detail).toBe(
      'http://127.0.0.1:9/health gave no answer on the target',
    );
    expect(result.rows.get('public URL')!.hint).toMatch(/^try curl -sSI https:\/\/127\.0\.0\.1:9/);
    expect(result.code).toBe(1);
  });

  it('names an unknown service, a missing tool-like service manager, and a held deploy lock', async () => {
    mkdirSync(join(demo.dir, 'deployments', '.lock'));
    writeFileSync(
      join(demo.dir, 'deployments', '.lock', 'owner'),
      'deploymentId=20250101_120000_ab12\noperator=bob\njumpHost=elsewhere\npid=1\nsince=2025-01-01T12:00:00Z\n',
    );
    try {
      const result = await doctor((t) => (t.serviceCtl = 'no-such-systemctl'));
      expect(result.rows.get('service cvd')!.detail).toBe('no-such-systemctl is not on the target');
      expect(result.rows.get('deploy lock')).toMatchObject({
        ok: false,
        detail: expect.stringContaining('deployment 20250101_120000_ab12 by bob from elsewhere'),
        hint: expect.stringContaining(`${INVOKED} resume 20250101_120000_ab12`),
      });
      expect(result.code).toBe(1);
    } finally {
      rmSync(join(demo.dir, 'deployments', '.lock'), { recursive: true });
    }
  });
});

describe('doctor over ssh', () => {
  const overSsh = (t: Record<string, unknown>) =>
    Object.assign(t, {
      transport: 'ssh',
      ...sshLogin(sshd),
      sshConfigPath: '',
    });

  it('passes on the demo reached through a real sshd, and names a missing path there', async () => {
    const healthy = await doctor(overSsh);
    expect(healthy.rows.get('connection')!.detail).toBe(`${sshd.username}@127.0.0.1:${sshd.port}`);
    expect(healthy.rows.get('host key')!.detail).toBe('matches known_hosts');
    expect(failures(healthy.rows), healthy.stdout).toEqual([]);
    expect(healthy.code).toBe(0);
    const broken = await doctor((t) => (overSsh(t), (t.paths.config = '/nonexistent/cvd/config')));
    expect(failures(broken.rows), broken.stdout).toEqual(['path config']);
    expect(broken.code).toBe(1);
  });

  it('names an unreachable host: connection failed, the rest not run, exit 1', async () => {
    const result = await doctor((t) => (overSsh(t), (t.port = 1)));
    expect(failures(result.rows), result.stdout).toEqual(['connection', 'other checks']);
    expect(result.rows.get('connection')!.detail).toMatch(/ECONNREFUSED/);
    expect(result.code).toBe(1);
  });
});
