/**
 * A state database that cannot be used says which file and why, exits 2,
 * and never claims "State is saved"; one this user can only read still
 * serves history and export (read as another user, since root writes anything).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/store.js';
import { BIN, runCli, headlessDeploy } from '../helpers/cli.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A config with one local target (nothing here connects to it) and a state database holding one deployment. */
function setup() {
  dir = mkdtempSync(join(tmpdir(), 'cvd-state-msg-'));
  const config = join(dir, 'cvd-tui.json');
  writeFileSync(
    config,
    JSON.stringify({ defaultTarget: 'demo', targets: { demo: { transport: 'local' } } }),
  );
  const state = join(dir, 'state.db');
  const store = StateStore.open(state);
  store.createDeployment({
    id: '20260101_120000_ab12',
    target: 'demo',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: Date.parse('2026-01-01T12:00:00Z'),
  });
  store.close();
  return { config, state, flags: ['--config', config, '--state', state] };
}

describe('a state database that cannot be used', () => {
  it.each([
    ['truncated', (file: string) => truncateSync(file, 1000)],
    ['not SQLite', (file: string) => writeFileSync(file, 'not a database\n'.repeat(100))],
  ])('%s: names the file and the reason, exit 2', async (_, spoil) => {
    const { state, flags } = setup();
    spoil(state);
    for (const command of [['history'], headlessDeploy('v1.0.1')]) {
      const result = await runCli([...command, ...flags]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `cannot use the state database ${state}: it is not a readable SQLite database`,
      );
      expect(result.stderr).not.toContain('State is saved');
    }
  });

  it('read-only: history and export read it, deploy is refused with the reason (exit 2)', () => {
    const { config, state } = setup();
    // Another user may read, not write, the file and its directory (root would write anyway).
    for (const file of [dir!, config]) chmodSync(file, 0o755);
    chmodSync(state, 0o644);
    const asOther = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync(
            'setpriv',
            ['--reuid=1000', '--regid=1000', '--clear-groups', process.execPath, BIN, ...args],
            {
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'pipe'],
              env: { ...process.env, HOME: dir! },
            },
          ),
        };
      } catch (error) {
        const e = error as { status: number; stdout: string; stderr: string };
        return { code: e.status, out: e.stdout + e.stderr };
      }
    };
    const flags = ['--config', config, '--state', state];
    const history = asOther(['history', ...flags]);
    expect(history.code, history.out).toBe(0);
    expect(history.out).toContain('20260101_120000_ab12');
    const exported = asOther(['export', '--format', 'json', ...flags]);
    expect(exported.code, exported.out).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({
      id: '20260101_120000_ab12',
      versionTo: 'v1.0.1',
    });
    const deploy = asOther(headlessDeploy('v1.0.1', ...flags));
    expect(deploy.code).toBe(2);
    expect(deploy.out).toContain(`cannot use the state database ${state}: it cannot be written`);
  });
});
