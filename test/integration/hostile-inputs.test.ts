/**
 * Hostile values anywhere a user or a config file can put one are refused
 * with exit 2 before any command runs on the target. Every payload would
 * create the canary file if a shell ever executed it; the demo target's
 * deployments directory (lock, journals) must stay empty, and no state
 * database is even created.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

const CANARY_DIR = mkdtempSync(join(tmpdir(), 'cvd-canary-'));
const CANARY = join(CANARY_DIR, 'canary');
const TOUCH = `touch ${CANARY}`;

let demo: DemoHandle;
let n = 0;
beforeAll(async () => {
  demo = await freshDemo();
});
afterAll(async () => {
  await demo?.cleanup();
});

type Row = {
  what: string;
  /** The CLI arguments; `cfg` and `state` are this row's own files. */
  args: (cfg: string, state: string) => string[];
  /** Changes to the demo target in this row's copy of the config. */
  target?: Record<string, unknown>;
  /** Changes to the config file's top level. */
  top?: Record<string, unknown>;
};

const deploy =
  (version: string, ...extra: string[]) =>
  (cfg: string, state: string) =>
    headlessDeploy(version, '--config', cfg, '--state', state, ...extra);
const withFlags = (...extra: string[]) => deploy('v1.0.1', ...extra);
const setting = (what: string, target: Record<string, unknown>): Row => ({
  what,
  args: withFlags(),
  target,
});

const ROWS: Row[] = [
  // --version: a strict tag pattern, not git check-ref-format
  { what: 'version: command substitution', args: deploy(`$(${TOUCH})`) },
  { what: 'version: backticks', args: deploy(`\`${TOUCH}\``) },
  { what: 'version: ;', args: deploy(`v1.0.1;${TOUCH}`) },
  { what: 'version: &&', args: deploy(`v1.0.1 && ${TOUCH}`) },
  { what: 'version: |', args: deploy(`v1.0.1|${TOUCH}`) },
  { what: 'version: > redirect', args: deploy(`v1.0.1>${CANARY}`) },
  { what: 'version: newline', args: deploy(`v1.0.1\n${TOUCH}`) },
  { what: 'version: single quotes', args: deploy(`v1.0.1'; ${TOUCH}; '`) },
  { what: 'version: double quotes', args: deploy(`v1.0.1"$(${TOUCH})"`) },
  { what: 'version: leading - (git option)', args: deploy(`--upload-pack=${TOUCH}`) },
  { what: 'version: path traversal', args: deploy('../../../etc/passwd') },
  {
    what: 'version: refs/heads/$(…) (git check-ref-format accepts it)',
    args: deploy(`refs/heads/$(${TOUCH})`),
  },
  { what: 'version: Greek question mark look-alike of ;', args: deploy(`v1.0.1\u037e${TOUCH}`) },
  { what: 'version: fullwidth ；', args: deploy(`v1.0.1\uff1b${TOUCH}`) },
  { what: 'version: Cyrillic а look-alike', args: deploy('v1.0.1-\u0430') },
  { what: 'version: over-long', args: deploy(`v${'1'.repeat(100)}`) },
  {
    what: 'version: --plan with a hostile tag',
    args: (c, s) => ['deploy', '--plan', '--version', `$(${TOUCH})`, '--config', c, '--state', s],
  },
  // --operator: stored as data, but control characters are refused
  { what: 'operator: newline', args: withFlags('--operator', `alice\n$(${TOUCH})`) },
  { what: 'operator: terminal escape', args: withFlags('--operator', 'alice\u001b[2J') },
  { what: 'operator: over-long', args: withFlags('--operator', 'a'.repeat(65)) },
  // config values, in a copy of the demo config
  setting('paths.app: command substitution', { paths: { app: `/tmp/app/$(${TOUCH})` } }),
  setting('paths.database: ;', { paths: { database: `/tmp/cvd.db;${TOUCH}` } }),
  setting('paths.backups: path traversal', { paths: { backups: '/opt/cvd/../../etc' } }),
  setting('paths.deployments: relative', { paths: { deployments: 'deployments' } }),
  setting('paths.logs: newline', { paths: { logs: `/tmp/logs\n${TOUCH}` } }),
  setting('paths.config: over-long', { paths: { config: `/${'a'.repeat(2000)}` } }),
  setting('serviceName: &&', { serviceName: `cvd && ${TOUCH}` }),
  setting('serviceName: unicode look-alike', { serviceName: 'cv\u0501' }),
  setting('serviceCtl: ;', { serviceCtl: `systemctl; ${TOUCH}` }),
  setting('appUser: leading -', { appUser: '-n' }),
  setting('appUser: backticks', { appUser: `\`${TOUCH}\`` }),
  setting('proxyService: &', { proxyService: `nginx&${TOUCH}` }),
  setting('appUrl: command substitution', { appUrl: `http://127.0.0.1:1/$(${TOUCH})` }),
  setting('publicUrl: backticks', { publicUrl: `https://example.com/\`${TOUCH}\`` }),
  setting('publicUrl: not http(s)', { publicUrl: `file:///etc/passwd` }),
  setting('notifyWebhookUrl: credentials and ;', {
    notifyWebhookUrl: `https://u:p@hooks.example.com/x;${TOUCH}`,
  }),
  setting('caFile: |', { caFile: `/tmp/ca.pem|${TOUCH}` }),
  setting('installCommand: newline', { installCommand: `npm ci\n${TOUCH}` }),
  setting('host: ;', { transport: 'ssh', host: `prod.example.com;${TOUCH}` }),
  setting('username: leading - (ssh option)', {
    transport: 'ssh',
    host: 'prod.example.com',
    username: `-oProxyCommand=${TOUCH}`,
  }),
  setting('sshConfigPath: command substitution', {
    transport: 'ssh',
    host: 'prod.example.com',
    sshConfigPath: `/tmp/$(${TOUCH})`,
  }),
  {
    what: 'defaultTarget: inherited property name',
    args: withFlags(),
    top: { defaultTarget: 'toString' },
  },
  // --target
  { what: '--target: ;', args: withFlags('--target', `demo;${TOUCH}`) },
  { what: '--target: __proto__', args: withFlags('--target', '__proto__') },
  { what: '--target: constructor', args: withFlags('--target', 'constructor') },
  // --trust-host-key
  { what: '--trust-host-key: garbage', args: withFlags('--trust-host-key', 'garbage') },
  {
    what: '--trust-host-key: command substitution',
    args: withFlags('--trust-host-key', `SHA256:$(${TOUCH})`),
  },
  {
    what: '--trust-host-key: MD5 form',
    args: withFlags('--trust-host-key', `MD5:${'ab:'.repeat(15)}ab`),
  },
  // deployment ids of resume, rollback, export
  {
    what: 'resume id: command substitution',
    args: (c, s) => ['resume', `$(${TOUCH})`, '--headless', '--config', c, '--state', s],
  },
  {
    what: 'rollback id: ; after a valid id',
    args: (c, s) => [
      'rollback',
      `20250101_120000_ab12;${TOUCH}`,
      '--headless',
      '--config',
      c,
      '--state',
      s,
    ],
  },
  {
    what: 'rollback --plan id: newline',
    args: (c, s) => [
      'rollback',
      '--plan',
      `20250101_120000_ab12\n${TOUCH}`,
      '--config',
      c,
      '--state',
      s,
    ],
  },
  {
    what: 'export id: path traversal',
    args: (c, s) => ['export', '../../etc/passwd', '--config', c, '--state', s],
  },
  {
    what: 'doctor with a hostile config value',
    args: (c) => ['doctor', '--config', c],
    target: { serviceName: `$(${TOUCH})` },
  },
];

/** Runs every row, a few at a time: none of them may get far enough to contend for anything. */
async function runAll(rows: Row[]): Promise<{ row: Row; state: string; result: CliResult }[]> {
  const base = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  const jobs = rows.map((row) => async () => {
    const i = ++n;
    const cfg = join(demo.dir, `hostile-${i}.json`);
    const config = structuredClone(base);
    const target = config.targets.demo;
    for (const [key, value] of Object.entries(row.target ?? {}))
      target[key] = key === 'paths' ? { ...target.paths, ...(value as object) } : value;
    Object.assign(config, row.top);
    writeFileSync(cfg, JSON.stringify(config));
    const state = join(demo.dir, `hostile-state-${i}.db`);
    return { row, state, result: await runCli(row.args(cfg, state)) };
  });
  const results: Awaited<ReturnType<(typeof jobs)[number]>>[] = [];
  for (let i = 0; i < jobs.length; i += 4)
    results.push(...(await Promise.all(jobs.slice(i, i + 4).map((job) => job()))));
  return results;
}

describe('hostile inputs', () => {
  // ~1 s of CLI start-up per row, more on a loaded machine: a generous bound, not a guess at the usual.
  it(
    `refuses each of ${ROWS.length} hostile values with exit 2 before anything runs on the target`,
    { timeout: 300_000 },
    async () => {
      expect(ROWS.length).toBeGreaterThanOrEqual(30);
      const pidBefore = readFileSync(join(demo.dir, 'run', 'cvd.pid'), 'utf8');
      const results = await runAll(ROWS);
      const wrong = results
        .filter(({ result }) => result.code !== 2)
        .map(({ row, result }) => `${row.what}: exit ${result.code} ${result.stderr}`);
      expect(wrong).toEqual([]);
      for (const { row, result, state } of results) {
        expect(result.stderr, row.what).toMatch(/^cvd-tui: \S/);
        expect(result.stdout, row.what).not.toMatch(/^1\.1 /m);
        // Refused before even the state database was opened.
        expect(existsSync(state), row.what).toBe(false);
      }
      expect(existsSync(CANARY)).toBe(false);
      expect(readdirSync(join(demo.dir, 'deployments'))).toEqual([]);
      expect(readFileSync(join(demo.dir, 'run', 'cvd.pid'), 'utf8')).toBe(pidBefore);
    },
  );

  it('names the config file with line and column, the key, what is wrong and a right value', async () => {
    const { result } = (
      await runAll([setting('serviceName', { serviceName: `cvd;${TOUCH}` })])
    )[0]!;
    expect(result.stderr).toMatch(
      /hostile-\d+\.json:1:\d+: "targets\.demo\.serviceName" must be a name of letters.*got ".*" \(for example: cvdapp\)/,
    );
  });

  it('stores an odd but printable operator name as data, never running it', async () => {
    // At most 64 characters: quotes, substitution, backticks, ; and && all at once.
    const operator = `O'B "$(${TOUCH})";\`id\`&&x`;
    // Not a performance test: 4.2's 2 s limit must not fail it on a loaded machine.
    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    config.targets.demo.thresholds = { maxResponseMs: 60_000 };
    writeFileSync(demo.configPath, JSON.stringify(config));
    const result = await runCli(withFlags('--operator', operator)(demo.configPath, demo.state));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(existsSync(CANARY)).toBe(false);
    const json = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);
    expect(json.operator).toBe(operator);
  });
});
