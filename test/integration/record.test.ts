/**
 * The execution log as the record of a deployment: what the target keeps,
 * what a rollback leaves in it, and that a signed export and the state
 * database tell on anyone who edits them. Real demo target (local transport),
 * the built CLI, real ssh-keygen and a real ssh-agent.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionLog } from '../../src/export/build.js';
import { runCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { startSshAgent } from '../helpers/ssh-agent.js';

let demo: DemoHandle;
let keys: string;
let agent: ChildProcess | undefined;
const key = () => join(keys, 'operator');
const allowed = () => join(keys, 'allowed_signers');

beforeAll(async () => {
  demo = await freshDemo();
  keys = mkdtempSync(join(tmpdir(), 'cvd-keys-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', key()]);
  writeFileSync(allowed(), `alice ${readFileSync(`${key()}.pub`, 'utf8')}`);
});
afterAll(async () => {
  agent?.kill();
  if (keys) rmSync(keys, { recursive: true, force: true });
  await demo?.cleanup();
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli([...args, ...demo.flags], env);

async function deploy(version: string, expected: number): Promise<string> {
  const run = await cli(headlessDeploy(version));
  expect(run.code, run.stdout + run.stderr).toBe(expected);
  return /: deployment (\S+)$/m.exec(run.stdout)![1]!;
}

const serverCopy = (id: string, ext: 'md' | 'json') =>
  join(demo.dir, 'deployments', id, `execution-log.${ext}`);

async function exportJson(): Promise<ExecutionLog> {
  const run = await cli(['export', '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ExecutionLog;
}

function setPrivateKey(path: string | undefined): void {
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  config.targets.demo.privateKeyPath = path;
  writeFileSync(demo.configPath, JSON.stringify(config, null, 2));
}

const sshKeygenVerify = (file: string) =>
  execFileSync(
    'ssh-keygen',
    ['-Y', 'verify', '-f', allowed(), '-I', 'alice', '-n', 'cvd-tui', '-s', `${file}.sig`],
    { input: readFileSync(file), encoding: 'utf8', stdio: 'pipe' },
  );

describe('the record of a deployment', () => {
  it('is left on the target when a deployment succeeds', async () => {
    const id = await deploy('v1.0.1', 0);
    const copy = JSON.parse(readFileSync(serverCopy(id, 'json'), 'utf8')) as ExecutionLog;
    expect(copy).toMatchObject({ id, status: 'succeeded', versionTo: 'v1.0.1' });
    expect(readFileSync(serverCopy(id, 'md'), 'utf8')).toContain(`Execution Log (${id})`);
    expect((await exportJson()).events.at(-1)).toMatchObject({ type: 'server copy written' });
  }, 60_000);

  it("after a v1.0.2 failure and a rollback reads rolled_back, with R.7's evidence, here and on the target", async () => {
    const id = await deploy('v1.0.2', 1);
    const rolled = await cli(['rollback', '--headless']);
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    // headless finish(): the words the TUI's exit line and the export use.
    expect(rolled.stdout).toContain(
      `Deployment ${id}: rolled back: serving v1.0.1 (v1.0.2 failed at 3.2)\n`,
    );
    const log = await exportJson();
    expect(log.status).toBe('rolled_back');
    expect(log.verification).toMatchObject({ of: 'rollback', status: 'ROLLED BACK' });
    expect(log.outcome.summary).toBe('rolled back: serving v1.0.1 (v1.0.2 failed at 3.2)');
    expect(log.verification.items.map((i) => i.evidence)).toEqual(
      expect.arrayContaining([
        'R.7: /health answered HTTP 200',
        'R.7: /health/database answered HTTP 200',
      ]),
    );
    expect(log.steps.find((s) => s.id === 'R.7')!.runs).toMatchObject([{ status: 'succeeded' }]);
    expect(log.issues.map((i) => i.text)).toContainEqual(
      expect.stringMatching(/^3\.2 attempt 1 failed: .*health\/database did not answer 200/),
    );
    const markdown = (await cli(['export'])).stdout;
    expect(markdown).toContain('- Version Deployed: v1.0.2 (rolled back; serving v1.0.1) on demo');
    expect(markdown).toContain('- Verification Status: ROLLED BACK (deployment rolled_back');
    const copy = JSON.parse(readFileSync(serverCopy(id, 'json'), 'utf8')) as ExecutionLog;
    expect(copy).toMatchObject({ status: 'rolled_back', verification: { of: 'rollback' } });
  }, 90_000);
});

describe('a signed export', () => {
  it("signed with the target's key file is accepted by cvd-tui verify and ssh-keygen -Y verify; one flipped byte is not", async () => {
    setPrivateKey(key());
    const file = join(keys, 'log.json');
    const signed = await cli(['export', '--format', 'json', '--out', file, '--sign']);
    expect(signed.code, signed.stderr).toBe(0);
    const verified = await cli(['verify', file, '--allowed-signers', allowed()]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^signature: Good "cvd-tui" signature for alice/m);
    expect(verified.stdout).toMatch(/^state database .*: event #\d+ has the same hash$/m);
    expect(sshKeygenVerify(file)).toMatch(/Good "cvd-tui" signature for alice/);

    const bytes = readFileSync(file);
    const at = bytes.indexOf('answered HTTP 200') + 'answered HTTP '.length;
    bytes[at] = '5'.charCodeAt(0);
    writeFileSync(file, bytes);
    const tampered = await cli(['verify', file, '--allowed-signers', allowed()]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`NOT VERIFIED: ${file}`);
    expect(tampered.stdout).toMatch(/^ {2}- signature: bad signature/m);
    expect(() => sshKeygenVerify(file)).toThrow();
  }, 60_000);

  it('signed with a key held by a real ssh-agent verifies the same way', async () => {
    setPrivateKey(undefined);
    const socket = join(keys, 'agent.sock');
    agent = await startSshAgent(socket, key());
    const file = join(keys, 'log.md');
    const signed = await cli(['export', '--out', file, '--sign'], { SSH_AUTH_SOCK: socket });
    expect(signed.code, signed.stderr).toBe(0);
    const verified = await cli(['verify', file, '--allowed-signers', allowed()]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(sshKeygenVerify(file)).toMatch(/Good "cvd-tui" signature for alice/);
  }, 60_000);

  it('cannot be made without a key, and says how to get one (exit 2)', async () => {
    setPrivateKey(undefined);
    const run = await cli(['export', '--out', join(keys, 'x.md'), '--sign'], { SSH_AUTH_SOCK: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SSH_AUTH_SOCK is not set.*ssh-add your key/);
  });
});

describe('verify --state', () => {
  it('names an edited event and a deleted event of the state database', async () => {
    const clean = await cli(['verify', '--state']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/^Verified: state database /m);

    execFileSync('sqlite3', [demo.state, "UPDATE events SET actor = 'mallory' WHERE seq = 5"]);
    execFileSync('sqlite3', [demo.state, 'DELETE FROM events WHERE seq = 9']);
    const id = (await exportJson()).id;
    const run = await runCli(['verify', '--state', id], { CVD_TUI_STATE: demo.state });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^ {2}- ${id}: event #5 \\(.* — mallory.*\\) was edited`, 'm'),
    );
    expect(run.stdout).toMatch(
      new RegExp(`^ {2}- ${id}: event #9 between event #8 .* and #10 was deleted$`, 'm'),
    );
  }, 60_000);
});
