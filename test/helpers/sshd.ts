/**
 * A real OpenSSH server for integration tests: throw-away host and client
 * keys, loopback only, its own config, pid file and authorized_keys, so a test
 * exercises exactly what an operator's server would do (host key checks,
 * key auth, channels, a session that dies or freezes).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SshdHandle {
  host: '127.0.0.1';
  port: number;
  username: string;
  privateKeyPath: string;
  /** Holds the `[127.0.0.1]:PORT` entry for the host key. */
  knownHostsPath: string;
  /** The ed25519 host key, the one in knownHostsPath. */
  hostPublicKeyPath: string;
  /** Public halves of `extraHostKeys`, in the order asked for. */
  extraHostPublicKeyPaths: string[];
  dir: string;
  /** The listening sshd. */
  pid: number;
  /** One pid per connection: the listener's direct children (sshd's per-connection monitor). */
  sessionPids(): number[];
  /** A session pid and all its descendants (sshd's unprivileged child, the user's commands). */
  sessionTree(sessionPid: number): number[];
  /** ESTABLISHED TCP connections to the server's port, counted on the server side. */
  establishedConnections(): number;
  /** sshd's own log (stderr, LogLevel VERBOSE), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /**
   * More host keys besides ed25519, for tests of a server that offers several
   * (clients then pick by algorithm preference). known_hosts still lists only ed25519.
   */
  extraHostKeys?: ('ecdsa' | 'rsa')[];
  /** `false`: sshd's `AllowTcpForwarding no`, as hardened servers set it. @default true */
  allowTcpForwarding?: boolean;
  /**
   * The account the client key logs in as. @default this process's user.
   * Another user must read authorized_keys (sshd reads it as that user), so
   * the server's directory is then opened to traversal (0711); its keys stay 0600.
   */
  loginUser?: string;
  /** sshd_config lines, placed before the defaults: sshd keeps a keyword's first value. */
  config?: string[];
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  // sshd refuses to start without its privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cvd-sshd-'));
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const clientKey = path.join(dir, 'client_ed25519');
  const extraKeys = (options.extraHostKeys ?? []).map((type) =>
    path.join(dir, `ssh_host_${type}_key`),
  );
  await Promise.all([
    keygen(hostKey, 'cvd-tui-test-host'),
    keygen(clientKey, 'cvd-tui-test-client'),
    ...extraKeys.map((file, i) => keygen(file, 'cvd-tui-test-host', options.extraHostKeys![i])),
  ]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`), {
    mode: options.loginUser ? 0o644 : 0o600,
  });
  if (options.loginUser) await chmod(dir, 0o711);

  // The free port is found by binding port 0 and releasing it; another process
  // can grab it in between, so a failed bind is retried on a fresh port.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await launch(dir, port, [hostKey, ...extraKeys], clientKey, options);
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(
  dir: string,
  port: number,
  hostKeys: string[],
  clientKey: string,
  options: SshdOptions,
): Promise<SshdHandle> {
  const hostKey = hostKeys[0]!;
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      ...(options.config ?? []),
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...hostKeys.map((key) => `HostKey ${key}`),
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel VERBOSE',
      ...(options.allowTcpForwarding === false ? ['AllowTcpForwarding no'] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    // Bounded: a long test run must not grow this without limit.
    log = (log + chunk).slice(-200_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;

  try {
    await waitForAccept(port, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  const hostPublicKeyPath = `${hostKey}.pub`;
  const [keyType, keyBase64] = (await readFile(hostPublicKeyPath, 'utf8')).trim().split(/\s+/);
  const knownHostsPath = path.join(dir, 'known_hosts');
  await writeFile(knownHostsPath, `[127.0.0.1]:${port} ${keyType} ${keyBase64}\n`);

  const handle: SshdHandle = {
    host: '127.0.0.1',
    port,
    username: options.loginUser ?? os.userInfo().username,
    privateKeyPath: clientKey,
    knownHostsPath,
    hostPublicKeyPath,
    extraHostPublicKeyPaths: hostKeys.slice(1).map((key) => `${key}.pub`),
    dir,
    pid,
    sessionPids: () => childrenOf(pid),
    sessionTree: (sessionPid) => descendantsOf(sessionPid),
    establishedConnections: () => establishedTo(port),
    log: () => log,
    stop: () => stop(child, exited, pid, dir),
  };
  // The accept probe itself made a connection: wait for its pre-auth child to
  // go, so session counts start from zero.
  await waitFor(() => handle.sessionPids().length === 0, 10_000, 'the probe connection to end');
  return handle;
}

async function stop(
  child: ChildProcess,
  exited: Promise<void>,
  pid: number,
  dir: string,
): Promise<void> {
  // Sessions outlive the listener by design, so they are killed explicitly,
  // and first: the listener reaps them, whereas orphans reparented to this
  // sandbox's init would stay zombies.
  const sessions = childrenOf(pid).flatMap((p) => descendantsOf(p));
  for (const p of sessions) signal(p, 'SIGKILL');
  for (const p of sessions) signal(p, 'SIGCONT'); // a stopped process only dies once continued
  await waitFor(() => childrenOf(pid).length === 0, 5000, 'sshd sessions to exit').catch(
    () => undefined,
  );
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
  await rm(dir, { recursive: true, force: true });
}

async function keygen(
  file: string,
  comment: string,
  type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519',
): Promise<void> {
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-C',
    comment,
    '-f',
    file,
  ]);
}

/** How a client logs in to the loopback sshd: what a target's or a transport's ssh fields take. */
export const sshLogin = (sshd: SshdHandle) => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.username,
  privateKeyPath: sshd.privateKeyPath,
  knownHostsPath: sshd.knownHostsPath,
});

/** A loopback port free right now (another process may still take it: bind and retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForAccept(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited before listening on ${port}:\n${log()}`);
    }
    if (await accepts(port)) return;
    if (Date.now() > deadline)
      throw new Error(`sshd did not listen on ${port} within 10 s:\n${log()}`);
    await delay(25);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `condition` until it holds; the interval is a poll, not a guess at how long something takes. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/**
 * Every live process, read from /proc/PID/stat (state, ppid) and cmdline.
 * Zombies are left out: orphans reparented to this sandbox's init are never
 * reaped and would otherwise count as sessions.
 */
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm (field 2) is in parentheses and may itself contain spaces or ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(name), ppid: Number(fields[1]), cmdline });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function childrenOf(pid: number): number[] {
  return processes()
    .filter((p) => p.ppid === pid)
    .map((p) => p.pid);
}

function descendantsOf(pid: number): number[] {
  const all = processes();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const p of all) if (p.ppid === tree[i]) tree.push(p.pid);
  }
  return tree;
}

function establishedTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address is col 1 (ADDR:PORT in hex), st is col 3; 01 = ESTABLISHED.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '01') count++;
    }
  }
  return count;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
