import type { Duplex } from 'node:stream';

/**
 * How a command ended. `lost` means the connection died before an exit status
 * arrived: the command may or may not have finished (FIELD-NOTES: node-ssh
 * resolves a cut connection with a null code), so it is never read as success
 * or failure. `timeout` and `aborted` mean the caller gave up (its deadline,
 * its `signal`): the transport then ends the command's process group on the
 * target (TERM, then KILL after a grace), as far as the connection allows.
 */
export type ExecOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'lost'; reason: string }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'aborted' };

export interface ExecOptions {
  /** Called once per complete output line (stdout and stderr interleaved as they arrive). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Written to the command's standard input, then closed. Keeps secrets off command lines. */
  stdin?: string;
  /** Stop waiting after this long, end the command's processes and report `timeout`. */
  timeoutMs?: number;
  /** Aborting it ends the command's processes and reports `aborted`. */
  signal?: AbortSignal;
}

export interface ExecResult {
  outcome: ExecOutcome;
  /** Everything the command printed, in arrival order. */
  output: string;
}

/** Runs shell commands on a target: over one SSH connection, or locally for the demo. */
export interface Transport {
  /** Human description for headers and errors, e.g. `cvdops@prod:22`. */
  readonly description: string;
  /** Runs `command` with bash on the target. Never rejects for a command's own failure. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Opens a TCP stream to `host:port` as seen from the target (ssh: a
   * direct-tcpip channel on the same connection). Optional: the health probe
   * tunnels through it when the app listens on the server's loopback only.
   * Rejects with `ForwardingRefused` when the server does not allow it.
   */
  forward?(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}

/**
 * The server does not allow TCP forwarding (sshd `AllowTcpForwarding no`):
 * what the jump host would reach through the connection must be measured on
 * the target instead.
 */
export class ForwardingRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardingRefused';
  }
}

/** Refusal to connect: unknown or changed host key, bad credentials. Maps to exit 2. */
export class TransportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportRefused';
  }
}
