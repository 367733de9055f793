/**
 * Secrets never leak: a full deploy and a rollback of the demo with a
 * multi-line functional-test password (from the environment) and a webhook
 * URL with a distinctive token, while the app's error.log "leaks" both (so
 * 4.1 prints them and the masking is exercised). Then the raw bytes of the
 * state database, every export, the captured output and the target's
 * journals are searched for either: nothing.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { RUNBOOK_STEP_IDS } from '../helpers/contract.js';

const TOKEN = 'zq7XwebhookTOKEN4815162342';
/** Two lines, each distinctive; JSON would carry it as `…\n…`. */
const PASSWORD = 'Pw-first-LINE-9f3k$"\'\nPw-second-LINE-x7q`';

let demo: DemoHandle | undefined;
let server: Server | undefined;
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await demo?.cleanup();
});

/** Every form a leak could take: the whole values, each password line, the JSON-escaped password, the bare token. */
function needles(webhook: string): string[] {
  return [
    PASSWORD,
    ...PASSWORD.split('\n'),
    JSON.stringify(PASSWORD).slice(1, -1),
    webhook,
    TOKEN,
    encodeURIComponent(TOKEN),
  ];
}

/**
 * Every regular file under `dir`, recursively: a FIFO (the log window's and
 * the service hold's) holds no data and would block a read forever.
 */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? filesUnder(join(dir, e.name))
      : e.isFile() || e.isSymbolicLink()
        ? [join(dir, e.name)]
        : [],
  );
}

describe('secrets', () => {
  it('the password and webhook URL appear in no state file, export, output or journal', async () => {
    demo = await freshDemo();
    const posts: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => (posts.push(`${req.url} ${body}`), res.writeHead(200).end('ok')));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/${TOKEN}`;

    const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
    config.targets.demo.notifyWebhookUrl = webhook;
    // Not a performance test: 4.2's 2 s limit must not fail it on a loaded machine.
    config.targets.demo.thresholds = { maxResponseMs: 60_000 };
    writeFileSync(demo.configPath, JSON.stringify(config));
    // The login of 3.3 succeeds only if the password arrives intact.
    demo.sql(
      `UPDATE users SET password_sha256 = '${createHash('sha256').update(PASSWORD).digest('hex')}' WHERE username = 'test_user'`,
    );
    // An app that logs secrets: 4.1 shows error.log's error lines, so cvd-tui must mask them.
    appendFileSync(
      join(demo.dir, 'logs', 'error.log'),
      PASSWORD.split('\n')
        .map((l) => `ERROR login failed, password ${l}\n`)
        .join('') + `ERROR webhook ${webhook} failed\n`,
    );

    const env = { CVD_TUI_TEST_PASSWORD: PASSWORD };
    const runs: CliResult[] = [];
    const cli = async (args: string[]) => {
      const result = await runCli([...args, ...demo!.flags], env);
      runs.push(result);
      return result;
    };
    const deployed = await cli(headlessDeploy('v1.0.1'));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^3\.3 .*succeeded .*login, devices and planograms working/m);
    expect(deployed.stdout).toMatch(/^4\.1 .*succeeded .*3 error lines/m);
    expect(posts).toHaveLength(1);
    const rollbackPlan = await cli(['rollback', '--plan']);
    expect(rollbackPlan.code).toBe(0);
    // Built from the facts the deployment recorded: the real previous commit, no placeholder.
    expect(rollbackPlan.stdout).toMatch(/git checkout -q --detach '\\''[0-9a-f]{40}'\\''/);
    expect(rollbackPlan.stdout.match(/^R\.\d {2}/gm)).toEqual([
      'R.1  ',
      'R.2  ',
      'R.3  ',
      'R.4  ',
      'R.5  ',
      'R.6  ',
      'R.7  ',
    ]);
    const rolledBack = await cli(['rollback', '--headless']);
    expect(rolledBack.code, rolledBack.stdout + rolledBack.stderr).toBe(0);

    const exports = join(demo.dir, 'exports');
    const md = await cli(['export', '--format', 'md']);
    const json = await cli(['export', '--format', 'json', '--out', `${exports}.json`]);
    await cli(['export', '--format', 'md', '--out', `${exports}.md`]);
    await cli(['history']);
    await cli(['deploy', '--plan', '--version', 'v1.0.2']);
    expect(md.stdout).toContain('Verification Status');
    expect(json.code).toBe(0);
    // The masking was exercised: 4.1's output held the secrets and was stored masked.
    expect(md.stdout).toContain('ERROR login failed, password ***');
    expect(md.stdout).toContain('ERROR webhook *** failed');

    const state = [demo.state, `${demo.state}-wal`, `${demo.state}-shm`].filter(existsSync);
    expect(statSync(demo.state).mode & 0o777).toBe(0o600);
    const haystacks: [string, string][] = [
      ...[
        ...state,
        `${exports}.json`,
        `${exports}.md`,
        ...filesUnder(join(demo.dir, 'deployments')),
      ].map((file) => [file, readFileSync(file).toString('latin1')] as [string, string]),
      ...runs.flatMap(
        (r, i) =>
          [
            [`run ${i} stdout`, r.stdout],
            [`run ${i} stderr`, r.stderr],
          ] as [string, string][],
      ),
    ];
    expect(haystacks.length).toBeGreaterThan(20);
    // Control: the search does find them where they really are (the app's own log on the target).
    const appLog = readFileSync(join(demo.dir, 'logs', 'error.log'), 'utf8');
    expect(
      [...PASSWORD.split('\n'), webhook, TOKEN].every((needle) => appLog.includes(needle)),
    ).toBe(true);
    const found = haystacks.flatMap(([where, text]) =>
      needles(webhook)
        .filter(
          (needle) =>
            text.includes(needle) || text.includes(Buffer.from(needle).toString('latin1')),
        )
        .map((needle) => `${where}: ${JSON.stringify(needle)}`),
    );
    expect(found).toEqual([]);
  });
});

describe('deploy --plan', () => {
  it('prints every step with its resolved commands, checks and re-run safety, secrets masked, and runs nothing', async () => {
    const plan = await freshDemo();
    try {
      const config = JSON.parse(readFileSync(plan.configPath, 'utf8'));
      config.targets.demo.notifyWebhookUrl = `https://hooks.slack.com/services/T0/B0/${TOKEN}`;
      writeFileSync(plan.configPath, JSON.stringify(config));
      const result = await runCli(['deploy', '--plan', '--version', 'v1.0.2', ...plan.flags], {
        CVD_TUI_TEST_PASSWORD: PASSWORD,
      });
      expect(result.code).toBe(0);
      const ids = result.stdout.match(/^\d\.\d {2}/gm)!.map((id) => id.trim());
      expect(ids).toEqual(RUNBOOK_STEP_IDS);
      // Values resolved and quoted; placeholders named; 2.3 is the one step not safe to re-run.
      expect(result.stdout).toContain(
        `git rev-parse --verify -q '\\''refs/tags/v1.0.2^{commit}'\\''`,
      );
      expect(result.stdout).toContain(`'${plan.dir}/bin/cvdctl' 'stop' 'cvd'`);
      expect(result.stdout).toContain('shown as <previous-commit>');
      expect(result.stdout).toMatch(/^2\.3 {2}Database Migration\n.*\n {4}safe to re-run: no/m);
      expect(result.stdout).toMatch(/^ {4}verifies: \/health and \/health\/database answer 200/m);
      expect(result.stdout).toContain('stdin: {"username":"test_user","password":"***"}');
      for (const needle of needles('')) if (needle) expect(result.stdout).not.toContain(needle);
      // Nothing ran: no journal, no lock, no deployment recorded, v1.0.0 still serving.
      expect(readdirSync(join(plan.dir, 'deployments'))).toEqual([]);
      expect((await runCli(['history', ...plan.flags])).stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse((await plan.appGet('/health')).body).version).toBe('v1.0.0');
    } finally {
      await plan.cleanup();
    }
  });
});
