/**
 * The production transport: one SSH connection (node-ssh over ssh2), opened
 * only after the server's host key matched known_hosts, reused by every exec.
 * See FIELD-NOTES "node-ssh 13 / ssh2" for the behaviours this works around.
 */
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { NodeSSH, type Config } from 'node-ssh';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import {
  checkHostKey,
  entriesForHost,
  explainHostKeyRefusal,
  keyTypeOf,
  parseKnownHosts,
} from './known-hosts.js';
import type { HostKeyVerdict, KnownHostEntry } from './known-hosts.js';
import { LineSplitter } from './lines.js';
import {
  endGroupCommand,
  GIVE_UP_GRACE_MS,
  GroupAnnouncement,
  inProcessGroup,
} from './process-group.js';
import { ForwardingRefused, TransportRefused } from './types.js';
import type { ExecOptions, ExecOutcome, ExecResult, Transport } from './types.js';
import { errorMessage } from '../util/error.js';

/** How long a command given up right after it started may take to name its process group. */
const ANNOUNCEMENT_WAIT_MS = 2000;
/** The kill's own bound: TERM, the grace, KILL, and a round trip to spare. */
const END_GROUP_WAIT_MS = 2 * GIVE_UP_GRACE_MS + 3000;

export interface SshOptions {
  host: string;
  port: number;
  username: string;
  /** Absent: authenticate through ssh-agent (`SSH_AUTH_SOCK`). */
  privateKeyPath?: string;
  knownHostsPath: string;
  /** @default 5000 */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. @default 3 */
  keepaliveCountMax?: number;
  /** Handshake + authentication deadline (ssh2's `readyTimeout`, default 20 s). */
  readyTimeoutMs?: number;
  /**
   * A stream already connected to the server, used instead of a TCP
   * connection to host:port (ProxyJump: a direct-tcpip channel of the jump
   * host's connection, see open.ts). host and port still name the server for
   * known_hosts, so the hop's key is checked exactly as a direct one.
   */
  sock?: Duplex;
}

export async function connectSsh(options: SshOptions): Promise<Transport> {
  const { host, port, username, knownHostsPath } = options;
  const description = `${username}@${host}:${port}`;
  const auth = await authConfig(options, description);
  const entries = parseKnownHosts(await readKnownHosts(knownHostsPath));
  const hostEntries = entriesForHost(entries, host, port);

  let verdict: HostKeyVerdict | undefined;
  let presentedType: string | undefined;
  const config: Config = {
    host,
    port,
    username,
    ...auth,
    agentForward: false,
    keepaliveInterval: options.keepaliveIntervalMs ?? 5000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeout: options.readyTimeoutMs }),
    ...(options.sock === undefined ? {} : { sock: options.sock }),
    ...preferKnownKeyTypes(hostEntries),
    // ssh2 accepts every host key unless told otherwise. Returning false aborts
    // the key exchange, before authentication, so nothing can run on the host.
    hostVerifier: (key: Buffer) => {
      verdict = checkHostKey(entries, host, port, key);
      presentedType = keyTypeOf(key);
      return verdict.kind === 'match';
    },
  };

  const ssh = new NodeSSH();
  const connecting = ssh.connect(config);
  // node-ssh creates the ssh2 Client synchronously inside connect(); watching
  // it from now on leaves no instant without an 'error' listener.
  const connection = new ConnectionWatch(ssh.connection);
  // Each exec is a few small packets each way: with Nagle's algorithm on, the
  // server's delayed ACK held every one ~40 ms (bench/ssh-overhead.ts: 45 ms
  // a command vs. 8 for OpenSSH, which sets TCP_NODELAY too). The socket
  // exists already and keeps the option through connect.
  ssh.connection?.setNoDelay(true);
  try {
    await connecting;
  } catch (error) {
    connection.abandon();
    if (verdict && verdict.kind !== 'match') {
      throw new TransportRefused(
        explainHostKeyRefusal(verdict, { description, host, port, knownHostsPath, presentedType }),
      );
    }
    const message = errorMessage(error);
    if (levelOf(error) === 'client-authentication') {
      throw new TransportRefused(`authentication failed for ${description}: ${message}`);
    }
    if (levelOf(error) === 'agent') {
      throw new TransportRefused(
        `ssh-agent (SSH_AUTH_SOCK=${process.env.SSH_AUTH_SOCK}) unusable for ${description}: ${message}`,
      );
    }
    throw new Error(`cannot connect to ${description}: ${message}`);
  }
  connection.attach(ssh.connection);
  return new SshTransport(ssh, connection, description);
}

/** Key from a file, or the agent; ssh2 reads neither path nor SSH_AUTH_SOCK by itself. */
async function authConfig(
  options: SshOptions,
  description: string,
): Promise<{ agent: string } | { privateKey: string }> {
  if (options.privateKeyPath === undefined) {
    const agent = process.env.SSH_AUTH_SOCK;
    if (!agent) {
      throw new TransportRefused(
        `no private key configured for ${description} and SSH_AUTH_SOCK is not set: ` +
          'start ssh-agent and ssh-add the key, or set privateKeyPath for this target',
      );
    }
    return { agent };
  }
  let privateKey: string;
  try {
    privateKey = await readFile(options.privateKeyPath, 'utf8');
  } catch (error) {
    throw new TransportRefused(
      `cannot read private key ${options.privateKeyPath}: ${errorMessage(error)}`,
    );
  }
  // Checked here so a bad key is a clear refusal instead of an exception deep in ssh2.
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new TransportRefused(
      `private key ${options.privateKeyPath} cannot be used: ${parsed.message}` +
        (/passphrase/i.test(parsed.message)
          ? ' (load it into ssh-agent and leave privateKeyPath unset)'
          : ''),
    );
  }
  return { privateKey };
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // No file yet is the normal state of a fresh jump host: every host is unknown.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new TransportRefused(`cannot read known_hosts ${file}: ${errorMessage(error)}`);
  }
}

/**
 * Ask for the key types known_hosts already holds for this host first, as
 * ssh(1) does; otherwise a server with several host keys may present one we
 * do not know and be refused. ssh2's `prepend` skips algorithms already in the
 * list, hence remove-then-prepend (applied in key order).
 */
function preferKnownKeyTypes(hostEntries: KnownHostEntry[]): Pick<ConnectConfig, 'algorithms'> {
  const preferred = [
    ...new Set(
      hostEntries.filter((e) => !e.revoked).flatMap((e) => HOST_KEY_ALGORITHMS[e.keyType] ?? []),
    ),
  ];
  if (preferred.length === 0) return {};
  return { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } };
}

type HostKeyAlgorithm =
  | 'ssh-ed25519'
  | 'ecdsa-sha2-nistp256'
  | 'ecdsa-sha2-nistp384'
  | 'ecdsa-sha2-nistp521'
  | 'rsa-sha2-512'
  | 'rsa-sha2-256'
  | 'ssh-rsa';

/** known_hosts key type → the ssh2 host key algorithms that present such a key. */
const HOST_KEY_ALGORITHMS: Record<string, HostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Owns the connection's fate. ssh2 emits 'error' after node-ssh has removed its
 * listeners (a keepalive timeout would otherwise be an uncaught exception), and
 * a cut connection leaves execs waiting: this listens permanently and settles
 * every exec in flight, and every later one, as `lost`.
 */
class ConnectionWatch {
  lostReason: string | undefined;
  private client: Client | null = null;
  private ready = false;
  private readonly inFlight = new Set<(reason: string) => void>();
  private closed: Promise<void> = Promise.resolve();

  constructor(client: Client | null) {
    if (client) this.listen(client);
  }

  /** After 'ready': from now on any error or end of the connection is final. */
  attach(client: Client | null): void {
    if (!client) {
      this.markLost('connection closed');
      return;
    }
    if (client !== this.client) this.listen(client);
    this.ready = true;
    // Something may already have gone wrong between 'ready' and now.
    if (this.lostReason) client.destroy();
  }

  /** A failed connect: make sure the socket goes away. */
  abandon(): void {
    this.client?.destroy();
  }

  private listen(client: Client): void {
    this.client = client;
    this.closed = new Promise((resolve) => client.once('close', () => resolve()));
    client.on('error', (error: Error) => this.markLost(`connection error: ${error.message}`));
    client.on('end', () => this.markLost('the server closed the connection'));
    client.on('close', () => this.markLost('connection closed'));
  }

  track(abort: (reason: string) => void): () => void {
    this.inFlight.add(abort);
    return () => this.inFlight.delete(abort);
  }

  markLost(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    if (!this.ready) return; // connect() reports it
    // After an error ssh2 may only half-close (sock.end), which never completes
    // against a frozen peer; destroy so 'close' and the channel cleanup follow.
    this.client?.destroy();
    this.settleAll(reason);
  }

  private settleAll(reason: string): void {
    for (const abort of [...this.inFlight]) abort(reason);
    this.inFlight.clear();
  }

  async close(): Promise<void> {
    this.markLost('transport closed');
    this.client?.end();
    // A frozen server never answers the disconnect; do not wait for it.
    const timer = setTimeout(() => this.client?.destroy(), 1000);
    await this.closed;
    clearTimeout(timer);
  }
}

class SshTransport implements Transport {
  constructor(
    private readonly ssh: NodeSSH,
    private readonly connection: ConnectionWatch,
    readonly description: string,
  ) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const lost = this.connection.lostReason;
    if (lost) return Promise.resolve({ outcome: { kind: 'lost', reason: lost }, output: '' });
    if (options.signal?.aborted)
      return Promise.resolve({ outcome: { kind: 'aborted' }, output: '' });
    return new Promise((resolve) => {
      const group = inProcessGroup(command);
      const announcement = new GroupAnnouncement(group.tag);
      let output = '';
      let settled = false;
      let givingUp = false;
      let channel: ClientChannel | undefined;
      let exitStatus: ExecOutcome | undefined;

      // A throwing onLine must not unwind into ssh2's packet parser (which would
      // turn it into a connection error and lose the connection): it surfaces
      // as an uncaught exception instead, as it would from LocalTransport.
      const deliver = (line: string, stream: 'stdout' | 'stderr') => {
        try {
          options.onLine?.(line, stream);
        } catch (error) {
          setImmediate(() => {
            throw error;
          });
        }
      };
      // One decoder per stream: a UTF-8 character can straddle two packets.
      const streams = (['stdout', 'stderr'] as const).map((stream) => {
        const decoder = new StringDecoder('utf8');
        const splitter = new LineSplitter((line) => deliver(line, stream));
        const keep = (text: string) => (stream === 'stdout' ? announcement.take(text) : text);
        const take = (text: string) => {
          output += text;
          splitter.push(text);
        };
        return {
          receive: (chunk: Buffer) => take(keep(decoder.write(chunk))),
          end: () => {
            take(keep(decoder.end()) + (stream === 'stdout' ? announcement.end() : ''));
            splitter.flush();
          },
        };
      });
      const [stdout, stderr] = streams as [(typeof streams)[0], (typeof streams)[0]];

      const finish = (outcome: ExecOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
        untrack();
        for (const s of streams) s.end();
        resolve({ outcome, output });
      };
      // Closing the channel only stops our waiting: without a pty the command
      // goes on until it next writes (FIELD-NOTES), so its group is ended too.
      const giveUp = (outcome: ExecOutcome) => {
        if (settled || givingUp) return;
        givingUp = true;
        void this.endGroup(announcement, group.tag, () => channel?.close()).then(() =>
          finish(outcome),
        );
      };
      const abort = () => giveUp({ kind: 'aborted' });
      options.signal?.addEventListener('abort', abort, { once: true });
      // While giving up, the end of the group settles the exec, whatever the command or the connection does.
      const ended = (outcome: ExecOutcome) => {
        if (!givingUp) finish(outcome);
      };
      // An exit status that arrived before the connection died is still the truth.
      const untrack = this.connection.track((reason) =>
        ended(exitStatus ?? { kind: 'lost', reason }),
      );
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => giveUp({ kind: 'timeout', afterMs: options.timeoutMs! }),
              options.timeoutMs,
            );

      this.ssh
        .execCommand(group.wrapped, {
          // A string is written then the channel's stdin is ended; undefined just ends it.
          stdin: options.stdin,
          onChannel: (opened) => {
            channel = opened;
            if (settled) opened.close(); // settled before the channel opened
            opened.once('exit', (code: number | null, signal?: string) => {
              exitStatus = exitOutcome(code, signal);
            });
          },
          onStdout: (chunk) => stdout.receive(chunk),
          onStderr: (chunk) => stderr.receive(chunk),
        })
        .then(
          // node-ssh resolves a cut connection with code null: outcome unknown.
          ({ code, signal }) =>
            ended(
              exitOutcome(code, signal) ?? {
                kind: 'lost',
                reason: this.connection.lostReason ?? 'the channel closed without an exit status',
              },
            ),
          (error: unknown) =>
            ended({ kind: 'lost', reason: this.connection.lostReason ?? errorMessage(error) }),
        );
    });
  }

  /**
   * Ends a command's process group on the target through a second exec. The
   * group id arrives first on stdout, so a command given up right after it
   * started is still found; one that never announced itself (no channel)
   * cannot be. Bounded: a frozen server does not hold the caller.
   */
  private async endGroup(
    announcement: GroupAnnouncement,
    tag: string,
    closeChannel: () => void,
  ): Promise<void> {
    const pgid = await announcement.wait(ANNOUNCEMENT_WAIT_MS);
    closeChannel();
    if (pgid === undefined || this.connection.lostReason) return;
    const ending = this.exec(endGroupCommand(pgid, tag));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ending,
      new Promise((resolve) => (timer = setTimeout(resolve, END_GROUP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /**
   * A direct-tcpip channel to host:port as the server sees it, on the same
   * connection (the health probe reaches an app bound to the server's loopback).
   * Rejects, rather than resolving lost, because there is no command outcome to
   * report: the caller gets no stream; with `ForwardingRefused` when the server's
   * policy forbids it, as opposed to nothing listening there.
   */
  async forward(host: string, port: number): Promise<Duplex> {
    // URL.hostname keeps IPv6 brackets ('[::1]'); the server wants the bare address.
    const target = host.replace(/^\[(.*)\]$/, '$1');
    const fail = (reason: string) =>
      new Error(`cannot forward to ${target}:${port} through ${this.description}: ${reason}`);
    const lost = this.connection.lostReason;
    if (lost) throw fail(lost);
    try {
      return await this.ssh.forwardOut('127.0.0.1', 0, target, port);
    } catch (error) {
      if ((error as { reason?: unknown }).reason === ADMINISTRATIVELY_PROHIBITED)
        throw new ForwardingRefused(
          `${this.description} does not allow TCP forwarding to ${target}:${port} ` +
            "(sshd's AllowTcpForwarding or PermitOpen, or the key's no-port-forwarding)",
        );
      throw fail(this.connection.lostReason ?? errorMessage(error));
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** RFC 4254 5.1's reason code for a channel the server's policy refuses (OpenSSH: forwarding not allowed). */
const ADMINISTRATIVELY_PROHIBITED = 1;

/** A command killed by a signal did end: report it as bash would (128 + n). */
function exitOutcome(
  code: number | null | undefined,
  signal: string | null | undefined,
): ExecOutcome | undefined {
  if (typeof code === 'number') return { kind: 'exited', code };
  if (signal) {
    // ssh2 reports the RFC 4254 name without the SIG prefix ('TERM').
    const number = (constants.signals as Record<string, number | undefined>)[
      `SIG${signal.replace(/^SIG/, '')}`
    ];
    return { kind: 'exited', code: 128 + (number ?? 0) };
  }
  return undefined;
}

const levelOf = (error: unknown) => (error as { level?: unknown } | null)?.level;
