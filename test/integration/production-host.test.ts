/**
 * cvd-tui on a host laid out like production (test/helpers/prodhost.ts): the
 * operator is not the app user, the app's tree is closed to them, and root
 * is only what `cvd-tui sudoers` asks for. Built as root, as CI runs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import { startHealthProbe, type HealthSample } from '../../src/probes/health.js';
import { openTransport } from '../../src/transport/open.js';
import { buildProdHost, type ProdHost } from '../helpers/prodhost.js';
import { waitFor } from '../helpers/wait.js';
import { doctorRows, failures } from '../helpers/doctor.js';
import { headlessDeploy } from '../helpers/cli.js';

let host: ProdHost;
beforeAll(async () => {
  // Hardened as production often is: no TCP forwarding (the Health pane then measures on the server).
  host = await buildProdHost({ sshdConfig: ['AllowTcpForwarding no'] });
}, 180_000);
afterAll(async () => {
  await host?.cleanup();
}, 60_000);

describe('the sudoers fragment', () => {
  it('allows the operator anything as the app user and, as root, only the fixed command lines', () => {
    const rules = host.fragment.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules).toEqual([
      `${host.operator} ALL=(${host.appUser}) NOPASSWD: ALL`,
      `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} stop cvd`,
      `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} start cvd`,
      `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} daemon-reload`,
      `${host.operator} ALL=(root) NOPASSWD: /usr/bin/install -m 0644 ${host.layout.config}/cvd.service.install ${host.serviceUnitPath}`,
    ]);
    expect(host.fragment).toContain(`# ${host.serviceCtl}: found with command -v on the target`);
    expect(host.fragment).toContain('# /usr/bin/install: found with command -v on the target');
  });
});

describe('doctor on the production-like host', () => {
  it('passes every check as the operator, exit 0', async () => {
    const result = await host.cli(['doctor']);
    const rows = doctorRows(result.stdout);
    expect(failures(rows), result.stdout).toEqual([]);
    expect([...rows.keys()]).toEqual(
      expect.arrayContaining([
        `sudo -u ${host.appUser}`,
        `sudo: cvdctl-${host.id} stop cvd`,
        `sudo: cvdctl-${host.id} start cvd`,
        `sudo: cvdctl-${host.id} daemon-reload`,
        `sudo: install -m 0644 cvd.service.install cvd.service`,
        'path database',
        'path backups',
      ]),
    );
    expect(rows.get('connection')!.detail).toBe(`${host.operator}@127.0.0.1:${host.sshd.port}`);
    expect(rows.get('path database')!.detail).toContain(`writable by ${host.appUser}`);
    expect(rows.get('TCP forwarding')!.detail).toMatch(/^not allowed by the server/);
    expect(result.code).toBe(0);
  }, 120_000);

  it('names a missing sudoers line, and its hint is that line', async () => {
    const stopLine = `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} stop cvd`;
    host.installSudoers((line) => line === stopLine);
    try {
      const result = await host.cli(['doctor']);
      const rows = doctorRows(result.stdout);
      expect(failures(rows), result.stdout).toEqual([`sudo: cvdctl-${host.id} stop cvd`]);
      expect(rows.get(`sudo: cvdctl-${host.id} stop cvd`)!.hint).toMatch(
        new RegExp(`: ${stopLine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      );
      expect(result.code).toBe(1);
    } finally {
      host.installSudoers();
    }
  }, 120_000);

  it('an operator who may run anything as root with a password still lacks the line: named', async () => {
    // As in group sudo (/etc/sudoers, read before sudoers.d): `sudo -n -l CMD` then allows
    // every command, and only the listing tells which need a password.
    const stopLine = `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} stop cvd`;
    host.installSudoers((line) => line === stopLine, [`${host.operator} ALL=(ALL:ALL) ALL`]);
    try {
      const result = await host.cli(['doctor']);
      const rows = doctorRows(result.stdout);
      expect(failures(rows), result.stdout).toEqual([`sudo: cvdctl-${host.id} stop cvd`]);
      expect(rows.get(`sudo: cvdctl-${host.id} stop cvd`)).toMatchObject({
        detail: expect.stringContaining('only with a password'),
        hint: expect.stringContaining(stopLine),
      });
      expect(result.code).toBe(1);
    } finally {
      host.installSudoers();
    }
  }, 120_000);
});

describe('the Health pane without TCP forwarding', () => {
  it('measures on the server as the operator: real codes and times', async () => {
    const { target } = loadTarget(host.configWith(() => undefined));
    const transport = await openTransport(target);
    const samples: HealthSample[] = [];
    try {
      const stop = startHealthProbe(transport, target, (s) => samples.push(s), {
        intervalMs: 60_000,
      });
      await waitFor(() => samples.length > 0, 30_000);
      stop();
    } finally {
      await transport.close();
    }
    expect(samples[0]!.via).toBe('server');
    expect(samples[0]!.readings.map((r) => [r.path, r.code])).toEqual([
      ['/health', 200],
      ['/health/detailed', 200],
      ['/health/database', 200],
    ]);
    for (const r of samples[0]!.readings) expect(r.latencyMs).toEqual(expect.any(Number));
    expect(host.sshd.log()).toMatch(/refused local port forward/);
  }, 60_000);
});

const deploy = (version: string, config?: string) => host.cli(headlessDeploy(version), config);
const rollback = () => host.cli(['rollback', '--headless']);
const health = async () => JSON.parse((await host.publicGet('/health')).body).version as string;
/** A step's line of the headless output: its status, seconds and summary. */
function stepLine(stdout: string, id: string) {
  const line = new RegExp(`^${id.replace('.', '\\.')} .*$`, 'm').exec(stdout)?.[0];
  const match = line && /\s(succeeded|failed|skipped)\s+([\d.]+)\s*s\s+(.*)$/.exec(line);
  return match ? { status: match[1], seconds: Number(match[2]), summary: match[3]! } : undefined;
}
const sqlite = (file: string, sql: string) =>
  execFileSync('sqlite3', ['-readonly', file, sql], { encoding: 'utf8' }).trim();
const env = () => readFileSync(host.layout.env, 'utf8');
const runningCode = () => readFileSync(join(host.layout.app, 'VERSION'), 'utf8').trim();

// One deployment history on one host, in order: each test starts where the previous one ended.
describe('deploying as the operator, root only through the fragment', () => {
  let beforeDeploy: string;

  it('deploys v1.0.1 over ssh and nginx serves it', async () => {
    beforeDeploy = host.dbDigest();
    const result = await deploy('v1.0.1');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(stepLine(result.stdout, '5.3')?.status).toBe('succeeded');
    expect(await health()).toBe('v1.0.1');
    expect(host.sshd.log()).toMatch(new RegExp(`Accepted publickey for ${host.operator} `));
  }, 300_000);

  it('1.3 left a database backup that is non-empty, complete and verified', () => {
    const backups = readdirSync(host.layout.backups);
    const db = backups.filter((f) => /^pre_deploy_.*\.db$/.test(f));
    expect(db, backups.join(' ')).toHaveLength(1);
    expect(backups.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const file = join(host.layout.backups, db[0]!);
    expect(statSync(file).size).toBeGreaterThan(0);
    expect(sqlite(file, 'PRAGMA integrity_check')).toBe('ok');
    // The backup is the database as it was before the migration: the same dump.
    const dump = execFileSync(
      'bash',
      ['-c', 'sqlite3 -readonly "$1" .dump | sha256sum', '_', file],
      {
        encoding: 'utf8',
      },
    ).split(' ')[0];
    expect(dump).toBe(beforeDeploy);
    expect(Number(sqlite(file, 'SELECT COUNT(*) FROM devices'))).toBeGreaterThan(0);
    // Every row of production: nobody outside the app user's group may read it.
    for (const name of backups.filter(
      (f) => f.startsWith('pre_deploy_') || f.startsWith('app_backup_'),
    ))
      expect((statSync(join(host.layout.backups, name)).mode & 0o7).toString(8), name).toBe('0');
  });

  it('nothing in the app tree belongs to root or the operator', () => {
    const strays = execFileSync(
      'find',
      [
        host.layout.root,
        '(',
        '-user',
        'root',
        '-o',
        '-user',
        host.operator,
        ')',
        '-printf',
        '%u %p\n',
      ],
      { encoding: 'utf8' },
    );
    expect(strays).toBe('');
  });

  it('a missing sudoers line fails the step that needs it at once, naming it', async () => {
    const stopLine = `${host.operator} ALL=(root) NOPASSWD: ${host.serviceCtl} stop cvd`;
    host.installSudoers((line) => line === stopLine);
    let result;
    try {
      result = await deploy('v1.0.2');
    } finally {
      host.installSudoers();
    }
    expect(result.code).toBe(1);
    const stop = stepLine(result.stdout, '2.1');
    expect(stop, result.stdout).toMatchObject({
      status: 'failed',
      summary: expect.stringMatching(/sudo/),
    });
    // At once: not after the 60 s the step would wait for a service that never stops.
    expect(stop!.seconds).toBeLessThan(15);
    expect(await health()).toBe('v1.0.1');
    const back = await rollback();
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(await health()).toBe('v1.0.1');
  }, 300_000);

  it('v1.0.2 fails at 3.2; the rollback restores code, database and .env', async () => {
    host.writeAppFile(`${host.layout.env}.new`, `${env()}CVD_RELEASE_CHANNEL=beta\n`, 0o600);
    const before = { db: host.dbDigest(), env: env(), code: runningCode() };
    const failed = await deploy('v1.0.2');
    expect(failed.code).toBe(1);
    expect(stepLine(failed.stdout, '3.2')?.status, failed.stdout).toBe('failed');
    expect(env()).toContain('CVD_RELEASE_CHANNEL=beta');
    expect(host.dbDigest()).not.toBe(before.db);

    const back = await rollback();
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(await health()).toBe('v1.0.1');
    expect((await host.publicGet('/health/database')).status).toBe(200);
    expect(runningCode()).toBe(before.code);
    expect(host.dbDigest()).toBe(before.db);
    expect(env()).toBe(before.env);
  }, 300_000);

  it('a release whose installCommand fails stops at 2.2', async () => {
    // init's default, from the runbook: this host has no virtualenv.
    const config = host.configWith(
      (t) => (t.installCommand = 'source venv/bin/activate && pip install -r requirements.txt'),
    );
    const result = await deploy('v1.0.2', config);
    expect(result.code).toBe(1);
    expect(stepLine(result.stdout, '2.2')?.status, result.stdout).toBe('failed');
    expect(stepLine(result.stdout, '2.3')).toBeUndefined();
    const back = await rollback();
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(await health()).toBe('v1.0.1');
  }, 300_000);
});
