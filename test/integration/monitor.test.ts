import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type CliResult, headlessDeploy, INVOKED } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { waitFor } from '../helpers/wait.js';

const SAMPLE_LINE = /^\d\d:\d\d:\d\d +(\d+ ms|down) +/m;

let demo: DemoHandle;
let id: string;

beforeAll(async () => {
  demo = await freshDemo();
  const deployed = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
  expect(deployed.code, deployed.stderr).toBe(0);
  id = /^Deployment (\S+): succeeded$/m.exec(deployed.stdout)![1]!;
  // The demo's "server" is the machine running the tests, whose CPU parallel
  // test workers often saturate: 100 % turns the CPU check off. The CPU limit
  // itself is covered by the unit tests.
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  config.targets.demo.thresholds = { maxCpuPercent: 100 };
  writeFileSync(demo.configPath, JSON.stringify(config));
});
afterAll(() => demo?.cleanup());

const monitor = (...args: string[]) => ['monitor', ...args, '--headless', ...demo.flags];
const exported = async () =>
  JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);

type Event = { type: string; detail: string | null };
/** The events of the latest monitor run. */
const lastRun = (events: Event[]) =>
  events.slice(events.map((e) => e.type).lastIndexOf('monitor started'));

/** Runs the CLI, calling `during` once stdout matches `when` (the first sample is in). */
function runWhile(args: string[], when: RegExp, during: () => void): Promise<CliResult> {
  let fired = false;
  return startCli(args, {}, (stdout) => {
    if (fired || !when.test(stdout)) return;
    fired = true;
    during();
  }).done;
}

describe('cvd-tui monitor on the demo after deploying v1.0.1', () => {
  it('refuses bad options and unknown deployments with exit 2', async () => {
    for (const bad of [['--minutes', '0'], ['--interval', 'abc'], ['no-such-deployment']]) {
      const result = await runCli(monitor(...bad));
      expect(result.code, bad.join(' ')).toBe(2);
      expect(result.stdout).not.toMatch(SAMPLE_LINE);
    }
  });

  it('a clean window exits 0, one line per sample, and the result is in the execution log', async () => {
    const result = await runCli(monitor('--minutes', '0.05', '--interval', '1'));
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^TIME +RESPONSE +ERRORS +CPU +MEMORY +DB LOCKS +CERT$/m);
    expect(result.stdout.match(new RegExp(SAMPLE_LINE, 'gm'))!.length).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d +\d+ ms +.* +0 +ok$/m);
    expect(result.stdout).not.toContain('BREACH');
    expect(result.stdout).toMatch(/^Monitoring passed: \d+ samples over/m);

    const log = await exported();
    expect(log.monitoring).toMatchObject({ status: 'passed', breaches: '' });
    expect(log.monitoring.summary).toMatch(/samples over .*certificate valid/);
    expect(lastRun(log.events).map((e) => e.type)).toEqual(['monitor started', 'monitor passed']);
  });

  it('5xx answers and database lock timeouts in the logs are a breach: exit 1 and the rollback command', async () => {
    const logs = join(demo.dir, 'logs');
    const line = (status: number) =>
      `2026-01-01T00:00:00.000Z 127.0.0.1 http "GET /api/devices HTTP/1.1" ${status} 30 2ms\n`;
    // The first sample starts at the logs' end; the burst lands before the second.
    const result = await runWhile(
      monitor(id, '--minutes', '0.5', '--interval', '1'),
      SAMPLE_LINE,
      () => {
        appendFileSync(join(logs, 'access.log'), (line(200) + line(500)).repeat(5));
        appendFileSync(
          join(logs, 'error.log'),
          '2026-01-01T00:00:00.000Z ERROR sqlite3.OperationalError: database is locked\n',
        );
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^BREACH: error rate \d+\.\d % \(5 of \d+ requests answered 5xx\)/m,
    );
    expect(result.stdout).toMatch(/^BREACH: 1 database lock timeout line in error\.log$/m);
    expect(result.stdout).toContain(`Roll back with: ${INVOKED} rollback ${id}\n`);

    const log = await exported();
    expect(log.monitoring.status).toBe('breached');
    expect(log.monitoring.breaches).toMatch(/error rate .*; 1 database lock timeout line/);
    const breaches = lastRun(log.events).filter((e) => e.type === 'monitor breach');
    expect(breaches.map((e) => e.detail)).toEqual([
      expect.stringMatching(/^error rate \d+\.\d % \(5 of 1\d requests answered 5xx\)/),
      '1 database lock timeout line in error.log',
    ]);
    expect(log.issues.at(-1).text).toMatch(/^post-deployment monitoring: error rate/);
  });

  it('a slow app breaches the response time limit on the first sample', async () => {
    const appLog = join(demo.dir, 'logs', 'app.log');
    const starts = () =>
      readFileSync(appLog, 'utf8')
        .split('\n')
        .filter((l) => / started \(pid \d+\)$/.test(l)).length;
    const before = starts();
    appendFileSync(join(demo.dir, 'config', '.env'), 'CVD_DEMO_RESPONSE_DELAY_MS=2200\n');
    execFileSync(join(demo.dir, 'bin', 'cvdctl'), ['restart']);
    // The app logs "started" once it listens; asking /health would cost the delay itself.
    await waitFor(() => starts() > before);

    const result = await runCli(monitor('--minutes', '0.5', '--interval', '1'));
    expect(result.code).toBe(1);
    expect(result.stdout.match(new RegExp(SAMPLE_LINE, 'gm'))).toHaveLength(1);
    expect(result.stdout).toMatch(
      /^BREACH: response time 2\d{3} ms, the runbook's limit is < 2000 ms$/m,
    );
    expect(result.stdout).toContain(`Roll back with: ${INVOKED} rollback ${id}\n`);
    expect((await exported()).monitoring).toMatchObject({
      status: 'breached',
      breaches: expect.stringMatching(/^response time/),
    });
  });
});
