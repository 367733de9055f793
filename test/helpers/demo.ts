import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoTarget, stopDemoService, type DemoTarget } from '../../src/demo/build.js';

export interface DemoHandle extends DemoTarget {
  state: string;
  /** `--config … --state …` for the CLI. */
  flags: string[];
  sql(query: string): string;
  /** A digest of the database's full dump: equal digests, equal content. */
  dbDigest(): string;
  appGet(path: string): Promise<{ status: number; body: string }>;
  cleanup(): Promise<void>;
}

/** A fresh demo target in its own temp dir, with its own state database. */
export async function freshDemo(): Promise<DemoHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-it-'));
  const demo = await buildDemoTarget(dir);
  const state = join(dir, 'state.db');
  const database = join(demo.dir, 'data', 'cvd.db');
  const sql = (query: string) =>
    execFileSync('sqlite3', [database, query], { encoding: 'utf8' }).trim();
  return {
    ...demo,
    state,
    flags: ['--config', demo.configPath, '--state', state],
    sql,
    dbDigest: () =>
      execFileSync('bash', ['-c', 'sqlite3 "$1" .dump | sha256sum', '_', database], {
        encoding: 'utf8',
      }).split(' ')[0]!,
    appGet: async (path) => {
      const response = await fetch(`http://127.0.0.1:${demo.appPort}${path}`);
      return { status: response.status, body: await response.text() };
    },
    cleanup: async () => {
      await stopDemoService(demo.dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rewrites the demo's config so its target is reached through a real sshd instead of locally. */
export function sshTargetConfig(
  demo: Pick<DemoHandle, 'configPath'>,
  ssh: {
    host: string;
    port: number;
    username: string;
    privateKeyPath: string;
    knownHostsPath: string;
  },
): void {
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  Object.assign(config.targets.demo, { transport: 'ssh', ...ssh });
  writeFileSync(demo.configPath, JSON.stringify(config, null, 2));
}
