/**
 * OpenSSH known_hosts, read the way ssh(1) reads it, so that cvd-tui trusts
 * exactly the hosts the operator's own ssh trusts. Pure: text in, verdict out.
 *
 * Line format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 *   [@revoked|@cert-authority] patterns keytype base64-key [comment]
 * where patterns is a comma list of names (`host`, `[host]:port`, with `*`,
 * `?` and `!` negation) or one hashed name `|1|base64(salt)|base64(hmac-sha1)`.
 */
import { createHash, createHmac } from 'node:crypto';
import { shq } from '../shell/quote.js';

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'unknown'; fingerprint: string }
  | { kind: 'changed'; fingerprint: string; knownFingerprints: string[] }
  | { kind: 'revoked'; fingerprint: string };

export interface KnownHostEntry {
  /** 1-based line number, for messages. */
  line: number;
  revoked: boolean;
  hosts: { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };
  keyType: string;
  /** The raw public key blob (what the server presents during key exchange). */
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const entry = parseLine(raw.trim(), index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(line: string, lineNumber: number): KnownHostEntry | undefined {
  if (!line || line.startsWith('#')) return undefined;
  const fields = line.split(/\s+/);
  let revoked = false;
  if (fields[0]?.startsWith('@')) {
    const marker = fields.shift();
    // A CA key vouches for host certificates, which ssh2 cannot check; an
    // unknown marker is skipped, as ssh(1) does.
    if (marker !== '@revoked') return undefined;
    revoked = true;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (!hostField || !keyType || !keyBase64) return undefined;
  const key = Buffer.from(keyBase64, 'base64');
  // A blob whose embedded type disagrees with the line's type is corrupt, not a key.
  if (keyTypeOf(key) !== keyType) return undefined;
  const hosts = parseHosts(hostField);
  return hosts && { line: lineNumber, revoked, hosts, keyType, key };
}

function parseHosts(field: string): KnownHostEntry['hosts'] | undefined {
  if (!field.startsWith('|'))
    return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return undefined;
  return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** The name ssh(1) looks up: `host` on port 22, `[host]:port` otherwise; lower case. */
export function hostLookupName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** The entries (revoked ones included) that apply to host:port. */
export function entriesForHost(
  entries: KnownHostEntry[],
  host: string,
  port: number,
): KnownHostEntry[] {
  const name = hostLookupName(host, port);
  return entries.filter((entry) => hostsMatch(entry.hosts, name));
}

function hostsMatch(hosts: KnownHostEntry['hosts'], name: string): boolean {
  if (hosts.kind === 'hashed') {
    return createHmac('sha1', hosts.salt).update(name).digest().equals(hosts.hash);
  }
  // OpenSSH match_hostname: any negated pattern that matches vetoes the line.
  let matched = false;
  for (const pattern of hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  const source = [...pattern.toLowerCase()]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

/**
 * Compares the key a server presented with what known_hosts says about host:port.
 * A host with known keys that presents none of them is `changed` even when the
 * presented key is of another type: ssh(1) would only call that "new", but an
 * operator told "unknown, append it with ssh-keyscan" could then trust an
 * attacker's key on a host we already know. (connectSsh asks the server for
 * the known key types first, so a genuine server presents a known key.)
 */
export function checkHostKey(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const fingerprint = fingerprintOf(key);
  const relevant = entriesForHost(entries, host, port);
  if (relevant.some((entry) => entry.revoked && entry.key.equals(key)))
    return { kind: 'revoked', fingerprint };
  const known = relevant.filter((entry) => !entry.revoked);
  if (known.some((entry) => entry.key.equals(key))) return { kind: 'match' };
  if (known.length === 0) return { kind: 'unknown', fingerprint };
  const knownFingerprints = [...new Set(known.map((entry) => fingerprintOf(entry.key)))];
  return { kind: 'changed', fingerprint, knownFingerprints };
}

/** Convenience: parse and check in one go. A missing file is the empty string: every host unknown. */
export function verifyHostKey(
  knownHostsText: string,
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  return checkHostKey(parseKnownHosts(knownHostsText), host, port, key);
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of sha256(key blob), as `ssh-keygen -lf` prints. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (its first SSH string), or undefined when malformed. */
export function keyTypeOf(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > key.length) return undefined;
  return key.toString('latin1', 4, 4 + length);
}

/** A known_hosts line trusting `key` for host:port, in the form ssh-keyscan writes. */
export function formatKnownHostsLine(host: string, port: number, key: Buffer): string {
  const keyType = keyTypeOf(key);
  if (!keyType) throw new Error('not an SSH public key blob');
  return `${hostLookupName(host, port)} ${keyType} ${key.toString('base64')}`;
}

export interface RefusalContext {
  /** `user@host:port` */
  description: string;
  host: string;
  port: number;
  knownHostsPath: string;
  presentedType: string | undefined;
}

/**
 * What an operator reads when a host is refused: the fingerprints, and the
 * exact commands to check and fix known_hosts, never a prompt to "just accept".
 */
export function explainHostKeyRefusal(
  verdict: Exclude<HostKeyVerdict, { kind: 'match' }>,
  c: RefusalContext,
): string {
  const presented = `${c.presentedType ?? 'host'} key ${verdict.fingerprint}`;
  const file = arg(c.knownHostsPath);
  const name = hostLookupName(c.host, c.port);
  switch (verdict.kind) {
    case 'unknown': {
      const type = shortKeyType(c.presentedType);
      const scan = `ssh-keyscan -p ${c.port} -t ${type} ${arg(c.host)}`;
      return (
        `the host key of ${c.description} is not known: ${c.knownHostsPath} has no entry for ${name}. ` +
        `The server presented ${presented}. Verify this fingerprint out of band (on the server's console: ` +
        `ssh-keygen -lf /etc/ssh/ssh_host_${type}_key.pub). Then, after checking that ` +
        `\`${scan} | ssh-keygen -lf -\` shows the same fingerprint, trust it with: ${scan} >> ${file}`
      );
    }
    case 'changed':
      return (
        `HOST KEY CHANGED for ${c.description}: the server presented ${presented}, but ${c.knownHostsPath} ` +
        `holds ${verdict.knownFingerprints.join(', ')} for ${name}. ` +
        'Someone may be intercepting this connection (man-in-the-middle), or the host key was replaced. ' +
        'cvd-tui will not connect. If the change is expected, verify the new fingerprint out of band, then ' +
        `remove the old entry with: ssh-keygen -R ${arg(name)} -f ${file}`
      );
    case 'revoked':
      return `the host key of ${c.description} (${presented}) is marked @revoked in ${c.knownHostsPath}; cvd-tui will not connect.`;
  }
}

/** The name ssh-keyscan -t and /etc/ssh/ssh_host_*_key use for a key type. */
function shortKeyType(keyType: string | undefined): string {
  if (keyType?.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa') return 'rsa';
  return 'ed25519';
}

/** Quote a value for a command shown to the operator, only when it needs it (brackets glob). */
const arg = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : shq(value));
