/**
 * cvd-tui on a host laid out like production (test/helpers/prodhost.ts): the
 * operator is not the app user, the app's tree is closed to them, and root
 * is only what `cvd-tui sudoers` asks for. Built as root, as CI runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProdHost, type ProdHost } from '../helpers/prodhost.js';

let host: ProdHost;
beforeAll(async () => {
  host = await buildProdHost();
}, 180_000);
afterAll(async () => {
  await host?.cleanup();
}, 60_000);

/** name → row of doctor's table. */
function doctorRows(stdout: string): Map<string, { ok: boolean; detail: string; hint?: string }> {
  const rows = new Map<string, { ok: boolean; detail: string; hint?: string }>();
  let last: { ok: boolean; detail: string; hint?: string } | undefined;
  for (const line of stdout.split('\n')) {
    const hint = /^\s+hint: (.*)$/.exec(line);
    if (hint && last) last.hint = hint[1];
    const row = /^(\S.*?)\s{2,}(pass|FAIL)\s{2,}(.*)$/.exec(line);
    if (row) rows.set(row[1]!, (last = { ok: row[2] === 'pass', detail: row[3]! }));
  }
  return rows;
}
const failures = (rows: ReturnType<typeof doctorRows>) =>
  [...rows].filter(([, r]) => !r.ok).map(([name]) => name);

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
});

describe('show', () => {
  it('doctor output', async () => {
    const result = await host.cli(['doctor']);
    console.log(result.stdout);
    const d = await host.cli(['deploy', '--headless', '--confirm-all', '--version', 'v1.0.1']);
    console.log(d.code, d.stdout, d.stderr);
  }, 300_000);
});
