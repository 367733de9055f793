/**
 * The SSH transport against a real OpenSSH sshd on loopback: host key checks,
 * exit codes, streaming, stdin, connection reuse, and a connection that is cut
 * or frozen mid-command.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { openTransport } from '../../src/transport/open.js';
import { connectSsh, type SshOptions } from '../../src/transport/ssh.js';
import { TransportRefused, type Transport } from '../../src/transport/types.js';
import {
  processes,
  signal,
  sshLogin,
  startSshd,
  waitFor,
  type SshdHandle,
} from '../helpers/sshd.js';
import { startSshAgent } from '../helpers/ssh-agent.js';

const run = promisify(execFile);

let sshd: SshdHandle;
let hostFingerprint: string;
const opened: Transport[] = [];
/** Processes a test froze or orphaned, to release and kill afterwards whatever happens. */
const leftovers: number[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', sshd.hostPublicKeyPath]);
  hostFingerprint = stdout.split(' ')[1]!;
});

afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    signal(pid, 'SIGCONT');
    signal(pid, 'SIGKILL');
  }
  await Promise.all(opened.splice(0).map((t) => t.close()));
  // Each test counts sessions from zero.
  await waitFor(
    () => sshd.sessionPids().length === 0,
    5000,
    'the sshd sessions of this test to end',
  );
});

afterAll(async () => {
  await sshd?.stop();
});

function options(overrides: Partial<SshOptions> = {}): SshOptions {
  return {
    ...sshLogin(sshd),
    ...overrides,
  };
}

async function connect(overrides: Partial<SshOptions> = {}): Promise<Transport> {
  const transport = await connectSsh(options(overrides));
  opened.push(transport);
  return transport;
}

/** Connects and returns the transport with the sshd session process serving it. */
async function connectWithSession(overrides: Partial<SshOptions> = {}) {
  const before = new Set(sshd.sessionPids());
  const transport = await connect(overrides);
  let session: number | undefined;
  await waitFor(
    () => (session = sshd.sessionPids().find((pid) => !before.has(pid))) !== undefined,
    5000,
    'the new sshd session',
  );
  return { transport, session: session! };
}

/** Waits for `sleep 30` to run under a session; returns its pid. */
async function sleeperUnder(session: number): Promise<number> {
  let sleeper: number | undefined;
  await waitFor(
    () => {
      const tree = new Set(sshd.sessionTree(session));
      sleeper = processes().find((p) => tree.has(p.pid) && p.cmdline === 'sleep 30')?.pid;
      return sleeper !== undefined;
    },
    5000,
    'sleep 30 to start on the server',
  );
  return sleeper!;
}

async function refusal(promise: Promise<unknown>): Promise<TransportRefused> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportRefused);
  return error as TransportRefused;
}

describe('exec over a verified connection', () => {
  it('describes itself and returns exit codes', async () => {
    const transport = await connect();
    expect(transport.description).toBe(`${sshd.username}@127.0.0.1:${sshd.port}`);
    expect(await transport.exec('true')).toEqual({
      outcome: { kind: 'exited', code: 0 },
      output: '',
    });
    expect((await transport.exec('echo failing >&2; exit 7')).outcome).toEqual({
      kind: 'exited',
      code: 7,
    });
    // bash, not the login shell: a bashism works, and the command is passed intact.
    const result = await transport.exec(`[[ -n "$BASH_VERSION" ]] && printf '%s\\n' "it's" "a b"`);
    expect(result).toEqual({ outcome: { kind: 'exited', code: 0 }, output: "it's\na b\n" });
  });

  it('streams lines in order while the command runs', async () => {
    const transport = await connect();
    const flag = path.join(sshd.dir, 'streamed.flag');
    const lines: string[] = [];
    // The command only finishes after the test has seen its last stderr line:
    // this deadlocks (and times out) unless lines arrive while it runs. It also
    // orders the final stdout after all of stderr, which sshd reads from a
    // separate pipe and may otherwise deliver in either order.
    const result = await transport.exec(
      `echo first; for i in 1 2 3; do echo "out $i"; echo "err $i" >&2; done; ` +
        `while [ ! -e ${flag} ]; do sleep 0.02; done; printf 'no newline'`,
      {
        timeoutMs: 20_000,
        onLine: (line, stream) => {
          lines.push(`${stream}:${line}`);
          if (line === 'err 3') void writeFile(flag, '');
        },
      },
    );
    expect(result.outcome).toEqual({ kind: 'exited', code: 0 });
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual([
      'stdout:first',
      'stdout:out 1',
      'stdout:out 2',
      'stdout:out 3',
      'stdout:no newline',
    ]);
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual([
      'stderr:err 1',
      'stderr:err 2',
      'stderr:err 3',
    ]);
    expect(result.output).toContain('first\n');
    expect(result.output).toContain('err 3\n');
    expect(result.output.endsWith('no newline')).toBe(true);
  });

  it('passes stdin to the command and then closes it', async () => {
    const transport = await connect();
    const secret = "p@ss w'rd $HOME ü\nsecond line\n";
    const result = await transport.exec('cat; echo "[eof]"', { stdin: secret });
    expect(result).toEqual({ outcome: { kind: 'exited', code: 0 }, output: `${secret}[eof]\n` });
    // Without stdin the command still sees end-of-file rather than waiting.
    expect((await transport.exec('cat', { timeoutMs: 10_000 })).outcome).toEqual({
      kind: 'exited',
      code: 0,
    });
  });

  it('reuses one connection for 50 sequential execs', async () => {
    const { transport, session } = await connectWithSession();
    for (let i = 0; i < 50; i++) {
      const result = await transport.exec(`echo ${i}`);
      expect(result).toEqual({ outcome: { kind: 'exited', code: 0 }, output: `${i}\n` });
    }
    expect(sshd.sessionPids()).toEqual([session]);
    expect(sshd.establishedConnections()).toBe(1);
  });

  it('reports a timeout, ends the command on the server and stays usable', async () => {
    const { transport, session } = await connectWithSession();
    const started = Date.now();
    const result = transport.exec('echo started; sleep 30', { timeoutMs: 3000 });
    // Without a pty the remote sleep would outlive the closed channel (FIELD-NOTES): the timeout ends it.
    const sleeper = await sleeperUnder(session);
    leftovers.push(sleeper);
    expect(await result).toEqual({
      outcome: { kind: 'timeout', afterMs: 3000 },
      output: 'started\n',
    });
    expect(processes().some((p) => p.pid === sleeper)).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await transport.exec('echo still here')).output).toBe('still here\n');
  });

  it('runs concurrent execs over the same connection', async () => {
    const { transport, session } = await connectWithSession();
    const results = await Promise.all(
      [1, 2, 3].map((i) => transport.exec(`sleep 0.${i}; echo ${i}`)),
    );
    expect(results.map((r) => r.output)).toEqual(['1\n', '2\n', '3\n']);
    expect(sshd.sessionPids()).toEqual([session]);
  });

  it('reports a command killed by a signal as bash would (128 + n)', async () => {
    const transport = await connect();
    expect((await transport.exec('kill -TERM $$')).outcome).toEqual({ kind: 'exited', code: 143 });
  });

  it("forwards a TCP stream to the server's loopback over the same connection", async () => {
    const { transport, session } = await connectWithSession();
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as net.AddressInfo;
    try {
      const stream = await transport.forward!('127.0.0.1', port);
      const reply = new Promise<string>((resolve) =>
        stream.once('data', (b: Buffer) => resolve(b.toString())),
      );
      stream.write('ping');
      expect(await reply).toBe('ping');
      stream.destroy();
      expect(sshd.sessionPids()).toEqual([session]);
      // Nothing listens on the echo port once it is closed: a rejection, not a hang.
      await new Promise<void>((resolve) => echo.close(() => resolve()));
      await expect(transport.forward!('127.0.0.1', port)).rejects.toThrow(
        /cannot forward to 127\.0\.0\.1:\d+/,
      );
    } finally {
      echo.close();
    }
  });

  it('is what openTransport builds for an ssh target', async () => {
    const transport = await openTransport(
      withDefaults({
        transport: 'ssh',
        ...sshLogin(sshd),
      }),
    );
    opened.push(transport);
    expect(transport.description).toBe(`${sshd.username}@127.0.0.1:${sshd.port}`);
    expect((await transport.exec('echo via-open')).output).toBe('via-open\n');
    const local = await openTransport(withDefaults({ transport: 'local' }));
    expect(local.description).toBe('local');
  });
});

describe('host key verification', () => {
  async function attemptCanary(knownHostsPath: string) {
    const canary = path.join(sshd.dir, `canary-${Date.now()}-${Math.random()}`);
    // If the connection were accepted this would create the canary.
    const attempt = connectSsh(options({ knownHostsPath })).then((t) => {
      opened.push(t);
      return t.exec(`touch ${canary}`);
    });
    return { error: await refusal(attempt), canary };
  }

  it('refuses an unknown host, shows the fingerprint ssh-keygen prints, and runs nothing', async () => {
    const empty = path.join(sshd.dir, 'empty_known_hosts');
    await writeFile(empty, '');
    const logBefore = sshd.log().length;
    const { error, canary } = await attemptCanary(empty);
    expect(error.message).toContain(hostFingerprint);
    expect(error.message).toContain(`ssh-keyscan -p ${sshd.port}`);
    expect(error.message).toContain('not known');
    expect(existsSync(canary)).toBe(false);
    // Refused during key exchange: the client disconnected with reason 3
    // (KEY_EXCHANGE_FAILED) before any authentication attempt.
    await waitFor(
      () => /Disconnected from/.test(sshd.log().slice(logBefore)),
      5000,
      'sshd to log the disconnect',
    );
    const log = sshd.log().slice(logBefore);
    expect(log).toMatch(/Received disconnect from 127\.0\.0\.1 port \d+:3:/);
    expect(log).not.toMatch(/Accepted|Postponed|Starting session/);
  });

  it('treats a missing known_hosts file as unknown', async () => {
    const { error, canary } = await attemptCanary(path.join(sshd.dir, 'no-such-file'));
    expect(error.message).toContain(hostFingerprint);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses a changed host key, naming both fingerprints', async () => {
    const other = path.join(sshd.dir, 'other_host_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, base64] = (await readFile(`${other}.pub`, 'utf8')).split(/\s+/);
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${other}.pub`]);
    const file = path.join(sshd.dir, 'changed_known_hosts');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${type} ${base64}\n`);
    const { error, canary } = await attemptCanary(file);
    expect(error.message).toContain('HOST KEY CHANGED');
    expect(error.message).toContain(hostFingerprint);
    expect(error.message).toContain(stdout.split(' ')[1]);
    expect(error.message).toContain('will not connect');
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses a revoked host key', async () => {
    const hostKey = (await readFile(sshd.hostPublicKeyPath, 'utf8'))
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    const file = path.join(sshd.dir, 'revoked_known_hosts');
    await writeFile(file, `${await readFile(sshd.knownHostsPath, 'utf8')}@revoked * ${hostKey}\n`);
    const { error, canary } = await attemptCanary(file);
    expect(error.message).toContain('@revoked');
    expect(existsSync(canary)).toBe(false);
  });

  it('asks a server with several host keys for the type known_hosts holds', async () => {
    // ssh2 alone would negotiate ed25519 first and call the known ecdsa host "changed".
    const multi = await startSshd({ extraHostKeys: ['ecdsa'] });
    try {
      const ecdsa = (await readFile(multi.extraHostPublicKeyPaths[0]!, 'utf8'))
        .split(/\s+/)
        .slice(0, 2)
        .join(' ');
      const file = path.join(multi.dir, 'ecdsa_known_hosts');
      await writeFile(file, `[127.0.0.1]:${multi.port} ${ecdsa}\n`);
      const transport = await connectSsh({
        ...options(),
        port: multi.port,
        privateKeyPath: multi.privateKeyPath,
        knownHostsPath: file,
      });
      try {
        expect((await transport.exec('echo ecdsa-ok')).output).toBe('ecdsa-ok\n');
      } finally {
        await transport.close();
      }
    } finally {
      await multi.stop();
    }
  });

  it('accepts a hashed known_hosts (ssh-keygen -H)', async () => {
    const file = path.join(sshd.dir, 'hashed_known_hosts');
    await writeFile(file, await readFile(sshd.knownHostsPath));
    await run('ssh-keygen', ['-H', '-f', file]);
    expect(await readFile(file, 'utf8')).not.toContain('127.0.0.1');
    const transport = await connect({ knownHostsPath: file });
    expect((await transport.exec('echo hashed-ok')).output).toBe('hashed-ok\n');
  });
});

describe('authentication', () => {
  it('refuses a key the server does not accept', async () => {
    const stranger = path.join(sshd.dir, 'stranger_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const error = await refusal(connectSsh(options({ privateKeyPath: stranger })));
    expect(error.message).toContain(
      `authentication failed for ${sshd.username}@127.0.0.1:${sshd.port}`,
    );
  });

  it('refuses when there is neither a key nor an agent', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      const error = await refusal(connectSsh(options({ privateKeyPath: undefined })));
      expect(error.message).toContain('SSH_AUTH_SOCK');
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('authenticates through ssh-agent when no key path is configured', async () => {
    const socket = path.join(sshd.dir, 'agent.sock');
    const agent = await startSshAgent(socket, sshd.privateKeyPath);
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      process.env.SSH_AUTH_SOCK = socket;
      const transport = await connect({ privateKeyPath: undefined });
      expect((await transport.exec('echo agent-ok')).output).toBe('agent-ok\n');

      process.env.SSH_AUTH_SOCK = path.join(sshd.dir, 'no-agent-here.sock');
      const error = await refusal(connectSsh(options({ privateKeyPath: undefined })));
      expect(error.message).toContain('ssh-agent');
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill('SIGTERM');
    }
  });

  it('refuses an unreadable private key path', async () => {
    const error = await refusal(
      connectSsh(options({ privateKeyPath: path.join(sshd.dir, 'absent_key') })),
    );
    expect(error.message).toContain('cannot read private key');
  });
});

// A failure here would otherwise show as a 60 s hang.
describe('a connection that dies', { timeout: 15_000 }, () => {
  it('resolves lost when the session is killed mid-command, and later execs too', async () => {
    const { transport, session } = await connectWithSession();
    const running = transport.exec('sleep 30');
    const sleeper = await sleeperUnder(session);
    leftovers.push(sleeper); // orphaned by the kill below
    const started = Date.now();
    signal(session, 'SIGKILL');
    const result = await running;
    expect(result.outcome.kind).toBe('lost');
    expect(Date.now() - started).toBeLessThan(3000);
    const next = await transport.exec('echo never runs');
    expect(next.outcome.kind).toBe('lost');
  });

  it('resolves lost on a frozen server through keepalive, without crashing the process', async () => {
    const { transport, session } = await connectWithSession({
      keepaliveIntervalMs: 200,
      keepaliveCountMax: 2,
    });
    const running = transport.exec('sleep 30');
    const sleeper = await sleeperUnder(session);
    leftovers.push(session, sleeper);
    const started = Date.now();
    signal(session, 'SIGSTOP');
    const result = await running;
    expect(result.outcome).toEqual({
      kind: 'lost',
      reason: expect.stringMatching(/keepalive timeout/i),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await transport.exec('echo never runs')).outcome.kind).toBe('lost');
    // Had ssh2's keepalive error gone unhandled, vitest would report an
    // uncaught exception and fail this run; close() must not wait on the frozen peer either.
    await transport.close();
  });
});
