/**
 * ~/.ssh/config, read the way ssh(1) reads it for the settings cvd-tui uses,
 * so a target can name a Host alias the operator already connects with.
 * Pure: text in, settings out; nothing here runs a command or opens a file.
 *
 * Deliberately not supported:
 * - `Match` blocks are skipped whole, never evaluated: `Match exec` runs a
 *   shell command (FIELD-NOTES), and a config file must not be able to make
 *   cvd-tui run anything on the jump host.
 * - `Include` is skipped: following it would mean reading files by glob from
 *   wherever the config points; put the target's Host block in the main file.
 */

/** One `Host` block (or the global section before the first, `patterns: ['*']`). */
interface Block {
  patterns: string[];
  /** Keyword (lower case) and value, in file order. */
  options: [string, string][];
}

/** What ssh_config(5) says about one host, with OpenSSH's "first value wins" applied. */
export interface SshHostSettings {
  /** The name asked for (the alias); `Host` patterns match this. */
  alias: string;
  /** `HostName` with `%h` expanded, or the alias. */
  hostName: string;
  user?: string;
  port?: number;
  /** Every `IdentityFile`, in order, tokens and `~` not yet expanded (see expandPath). */
  identityFiles: string[];
  /** `ProxyJump`, unless `none`. */
  proxyJump?: string;
  userKnownHostsFile?: string;
  /** `HashKnownHosts yes`: new known_hosts lines are written hashed. */
  hashKnownHosts: boolean;
}

export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  let current: Block | undefined = blocks[0];
  for (const raw of text.split(/\r?\n/)) {
    const parsed = parseLine(raw);
    if (!parsed) continue;
    const [keyword, value] = parsed;
    if (keyword === 'host') {
      current = { patterns: value.split(/\s+/).filter(Boolean), options: [] };
      blocks.push(current);
    } else if (keyword === 'match') {
      current = undefined; // everything up to the next Host/Match is ignored
    } else if (keyword !== 'include' && current) {
      current.options.push([keyword, value]);
    }
  }
  return blocks;
}

/** `Keyword value`, `Keyword=value` or `Keyword = value`; comments and blanks give undefined. */
function parseLine(raw: string): [string, string] | undefined {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return undefined;
  const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
  if (!match) return undefined;
  return [match[1]!.toLowerCase(), unquote(match[2]!.trim())];
}

/** A value in double quotes (paths with spaces) loses them; anything else is kept as written. */
const unquote = (value: string) => (/^"[^"]*"$/.test(value) ? value.slice(1, -1) : value);

/** ssh_config(5) PATTERNS: `*` and `?` globs, case-insensitive, `!` negates and vetoes the block. */
export function hostMatches(patterns: string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!glob(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function glob(pattern: string, name: string): boolean {
  const source = [...pattern.toLowerCase()]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name.toLowerCase());
}

/** The settings for `alias`: for each keyword the first value of any matching block wins (IdentityFile accumulates). */
export function resolveSshHost(text: string, alias: string): SshHostSettings {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const block of parseSshConfig(text)) {
    if (!hostMatches(block.patterns, alias)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === 'identityfile') identityFiles.push(value);
      else if (!first.has(keyword)) first.set(keyword, value);
    }
  }
  const port = first.get('port');
  const jump = first.get('proxyjump');
  return {
    alias,
    hostName: expandTokens(first.get('hostname') ?? alias, { h: alias }),
    user: first.get('user'),
    port: port === undefined ? undefined : Number(port),
    identityFiles,
    proxyJump: jump === undefined || jump.toLowerCase() === 'none' ? undefined : jump,
    // Several files may be listed; the first is the one ssh(1) writes to.
    userKnownHostsFile: first.get('userknownhostsfile')?.split(/\s+/)[0],
    hashKnownHosts: first.get('hashknownhosts')?.toLowerCase() === 'yes',
  };
}

/** Host names an operator can pick: every literal `Host` name (no wildcard, no negation). */
export function hostAliases(text: string): string[] {
  const names = parseSshConfig(text)
    .slice(1)
    .flatMap((block) => block.patterns)
    .filter((p) => !/[*?!]/.test(p));
  return [...new Set(names)];
}

/** Expands `%x` tokens from `values`; `%%` is a literal percent; an unknown token is left as written. */
export function expandTokens(text: string, values: Record<string, string>): string {
  return text.replace(/%(.)/g, (whole, token: string) =>
    token === '%' ? '%' : (values[token] ?? whole),
  );
}

export interface PathContext {
  home: string;
  localUser: string;
  /** Remote host (after HostName), user and port, for %h %r %p. */
  host: string;
  user: string;
  port: number;
  alias: string;
}

/** IdentityFile / UserKnownHostsFile: leading `~/` is the home directory; %d %u %h %r %p %n %% are ssh(1)'s tokens. */
export function expandPath(file: string, c: PathContext): string {
  const tilde = file === '~' || file.startsWith('~/') ? c.home + file.slice(1) : file;
  return expandTokens(tilde, {
    d: c.home,
    u: c.localUser,
    h: c.host,
    r: c.user,
    p: String(c.port),
    n: c.alias,
  });
}

/** ProxyJump's `[user@]host[:port]` (or `ssh://user@host:port`). Several hops are refused: one is supported. */
export function parseJump(
  spec: string,
): { user?: string; host: string; port?: number } | { error: string } {
  if (spec.includes(','))
    return { error: `ProxyJump ${spec} has several hops; cvd-tui supports one` };
  const match = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s@]+)(?::(\d+))?$/.exec(spec.trim());
  if (!match) return { error: `ProxyJump ${spec} is not [user@]host[:port]` };
  return {
    ...(match[1] === undefined ? {} : { user: match[1] }),
    host: match[2]!.replace(/^\[(.*)\]$/, '$1'),
    ...(match[3] === undefined ? {} : { port: Number(match[3]) }),
  };
}
