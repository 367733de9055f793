/**
 * Trusting a host seen for the first time, the only case in which a host key
 * may be added: with `--trust-host-key SHA256:…` naming exactly the key the
 * server presents, or an operator's yes to a prompt showing its fingerprint.
 * A host known_hosts already has an entry for is never touched here: a match
 * connects, and a changed or revoked key is refused by connectSsh whatever
 * was passed or pressed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  entriesForHost,
  fingerprintOf,
  formatKnownHostsLine,
  hostLookupName,
  keyTypeOf,
  parseKnownHosts,
} from './known-hosts.js';
import { TransportRefused } from './types.js';
import { errorMessage } from '../util/error.js';

/** How this process may trust an unknown host. Neither fingerprint nor ask: refuse (headless default). */
export interface HostTrustPolicy {
  /** From `--trust-host-key`: trust an unknown host only if it presents exactly this key. */
  fingerprint?: string;
  /** Interactive only (a prompt before Ink mounts, or the TUI): shows the fingerprint, returns the operator's answer. */
  ask?: (question: {
    description: string;
    fingerprint: string;
    keyType: string;
  }) => Promise<boolean>;
  /** Who decided, recorded beside the known_hosts line. */
  actor: string;
  /** Where the notice of a newly trusted key goes (stderr in the CLI). */
  log: (line: string) => void;
}

/**
 * The CLI makes one trust decision per process (its flags), and every
 * connection a command opens honours it; set once by main() so the flag
 * needs no threading through every command.
 */
let processPolicy: HostTrustPolicy = { actor: 'cvd-tui', log: () => undefined };
export const setHostTrustPolicy = (policy: HostTrustPolicy): void => void (processPolicy = policy);
export const hostTrustPolicy = (): HostTrustPolicy => processPolicy;

export interface TrustHop {
  host: string;
  port: number;
  description: string;
  knownHostsPath: string;
  /** ssh_config `HashKnownHosts yes`: write the host name hashed, as ssh(1) would. */
  hashKnownHosts: boolean;
}

/**
 * Before connecting: if known_hosts has no entry for the hop and the policy
 * can decide, read the presented key (a connection that stops at key
 * exchange, like ssh-keyscan), decide, and append the trusted line. The real
 * connection then verifies against the file as always, so a key swapped in
 * between is refused as changed.
 */
export async function ensureTrusted(
  hop: TrustHop,
  policy: HostTrustPolicy,
  dial?: () => Promise<Duplex>,
): Promise<void> {
  if (!policy.fingerprint && !policy.ask) return;
  const text = await readKnownHosts(hop.knownHostsPath);
  if (entriesForHost(parseKnownHosts(text), hop.host, hop.port).length > 0) return;
  const key = await scanHostKey(hop.host, hop.port, dial && (await dial()));
  const fingerprint = fingerprintOf(key);
  const keyType = keyTypeOf(key) ?? 'unknown';
  let via: string;
  if (policy.fingerprint) {
    if (policy.fingerprint !== fingerprint)
      throw new TransportRefused(
        `the host key of ${hop.description} is ${keyType} ${fingerprint}, not the ${policy.fingerprint} ` +
          'given with --trust-host-key: not trusted, nothing was run',
      );
    via = '--trust-host-key';
  } else {
    if (!(await policy.ask!({ description: hop.description, fingerprint, keyType })))
      throw new TransportRefused(
        `the host key ${fingerprint} of ${hop.description} was not trusted`,
      );
    via = 'operator prompt';
  }
  const actor = policy.actor.replace(/[^\w.@-]/g, '_').slice(0, 64);
  const comment = `cvd-tui: trusted ${new Date().toISOString()} by ${actor} (${via})`;
  await appendLine(hop.knownHostsPath, text, `${knownHostsLine(hop, key)} ${comment}`);
  policy.log(
    `Trusted the host key ${fingerprint} of ${hop.description} (${via}); added to ${hop.knownHostsPath}`,
  );
}

/** ssh-keyscan's line, or its hashed form `|1|salt|HMAC-SHA1(salt, name)` (ssh-keygen -H). */
export function knownHostsLine(
  hop: Pick<TrustHop, 'host' | 'port' | 'hashKnownHosts'>,
  key: Buffer,
): string {
  const line = formatKnownHostsLine(hop.host, hop.port, key);
  if (!hop.hashKnownHosts) return line;
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(hostLookupName(hop.host, hop.port)).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}${line.slice(line.indexOf(' '))}`;
}

async function appendLine(file: string, current: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // A file whose last line lacks its newline would have ours glued onto it.
  const separator = current && !current.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${separator}${line}\n`, { mode: 0o600 });
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new TransportRefused(`cannot read known_hosts ${file}: ${errorMessage(error)}`);
  }
}

/** The server's host key, read during key exchange; the connection is refused right after, so nothing authenticates. */
export async function scanHostKey(
  host: string,
  port: number,
  sock?: Duplex,
  timeoutMs = 15_000,
): Promise<Buffer> {
  // Loaded here, not with this module: every command sets the trust policy, few connect over ssh.
  const { default: ssh2 } = await import('ssh2');
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let key: Buffer | undefined;
    let reason = 'the connection closed';
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      client.destroy();
      if (key) resolve(key);
      else reject(new Error(`cannot read the host key of ${host}:${port}: ${reason}`));
    };
    client.on('error', (error: Error) => {
      reason = error.message;
      done();
    });
    client.on('close', done);
    client.connect({
      host,
      port,
      ...(sock ? { sock } : {}),
      username: 'cvd-tui-host-key-scan',
      readyTimeout: timeoutMs,
      hostVerifier: (presented: Buffer) => {
        key = presented;
        return false;
      },
    });
  });
}
