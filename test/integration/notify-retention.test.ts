import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync, readdirSync, utimesSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { notificationText, postWebhook } from '../../src/steps/notify.js';
import { runCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';

let demo: DemoHandle | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function webhookServer(
  handler: (body: string, req: IncomingMessage, reply: (code: number) => void) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => handler(body, req, (code) => res.writeHead(code).end('ok')));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/s3cretWebhookToken`;
}

describe('5.1 notification', () => {
  it('posts target, version, operator, duration and status to the webhook, and the URL never shows', async () => {
    demo = await freshDemo();
    const received: { body: string; type: string | undefined }[] = [];
    const url = await webhookServer((body, req, reply) => {
      received.push({ body, type: req.headers['content-type'] });
      reply(200);
    });
    const config = JSON.parse((await import('node:fs')).readFileSync(demo.configPath, 'utf8'));
    config.targets.demo.notifyWebhookUrl = url;
    writeFileSync(demo.configPath, JSON.stringify(config));
    const result = await runCli(headlessDeploy('v1.0.1', '--operator', 'alice', ...demo.flags));
    expect(result.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]!.type).toBe('application/json');
    const { text } = JSON.parse(received[0]!.body) as { text: string };
    expect(text).toMatch(/completed: v1\.0\.1 \([0-9a-f]{7,}\) on demo by alice, \d+ min/);
    const exported = (await runCli(['export', '--format', 'json', ...demo.flags])).stdout;
    expect(exported).toContain('Notification sent');
    expect(exported).not.toContain('s3cretWebhookToken');
    expect(result.stdout + result.stderr).not.toContain('s3cretWebhookToken');
  });

  it('a webhook that never answers costs at most its timeout and one retry, and is not a failure', async () => {
    const url = await webhookServer(() => undefined);
    const started = Date.now();
    const result = await postWebhook(url, 'hello', 300);
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/no answer within 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('retries once after an error answer', async () => {
    let calls = 0;
    const url = await webhookServer((_b, _r, reply) => reply(++calls === 1 ? 503 : 200));
    expect(await postWebhook(url, 'x')).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(calls).toBe(2);
  });

  it('says what an on-call channel needs at a glance', () => {
    expect(
      notificationText({
        target: 'prod',
        version: 'v1.0.1',
        commit: 'abc1234',
        operator: 'bob',
        durationMs: 125_000,
        status: 'completed',
      }),
    ).toBe('CVD deployment completed: v1.0.1 (abc1234) on prod by bob, 2 min');
  });
});

describe('5.2 retention', () => {
  it('keeps the newest 10 verified backups of each kind, never counts an invalid one, and lists what it deletes', async () => {
    demo = await freshDemo();
    const backups = join(demo.dir, 'backups');
    const backdate = (name: string, day: number) => {
      const age = new Date(Date.UTC(2026, 0, day));
      utimesSync(join(backups, name), age, age);
    };
    // 11 older deployments' real backups; this deployment adds the 12th of each kind.
    for (let i = 1; i <= 11; i++) {
      const stamp = `202601${String(i).padStart(2, '0')}_000000_0000`;
      execFileSync('sqlite3', [
        join(backups, `pre_deploy_${stamp}.db`),
        `CREATE TABLE t(x); INSERT INTO t VALUES(${i})`,
      ]);
      execFileSync('tar', [
        '-czf',
        join(backups, `app_backup_${stamp}.tar.gz`),
        '-C',
        demo.dir,
        'config',
      ]);
      backdate(`pre_deploy_${stamp}.db`, i);
      backdate(`app_backup_${stamp}.tar.gz`, i);
    }
    // Newer than all of them, and no backup: it must neither take a kept place nor be deleted on a check's word.
    const empty = 'pre_deploy_20260112_000000_0000.db';
    writeFileSync(join(backups, empty), '');
    backdate(empty, 12);
    const result = await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^5\.2 .* succeeded .*10 verified database backups kept/m);
    const left = readdirSync(backups);
    expect(left.filter((f) => f.startsWith('pre_deploy_'))).toHaveLength(11);
    expect(left.filter((f) => f.startsWith('app_backup_'))).toHaveLength(10);
    // The two oldest of each kind went, the invalid one stayed, and this deployment's own backups stayed.
    expect(left).toContain(empty);
    expect(left).not.toContain('pre_deploy_20260101_000000_0000.db');
    expect(left).not.toContain('pre_deploy_20260102_000000_0000.db');
    expect(left).toContain('pre_deploy_20260103_000000_0000.db');
    const log = JSON.parse((await runCli(['export', '--format', 'json', ...demo.flags])).stdout);
    const cleanup = log.steps.find((s: { id: string }) => s.id === '5.2').output as string;
    expect(cleanup).toContain('Deleting old backup: pre_deploy_20260101_000000_0000.db');
    expect(cleanup).toContain('Deleting old backup: app_backup_20260102_000000_0000.tar.gz');
    expect(cleanup.match(/Deleting old backup/g)).toHaveLength(4);
    expect(cleanup).toContain(
      `Not a valid backup, not counted, left in place: ${empty} (it is empty (0 bytes))`,
    );
  });
});
