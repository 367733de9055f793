/**
 * ~/.ssh/config, read the way ssh(1) reads it for the settings cvd-tui uses,
 * so a target can name a Host alias the operator already connects with.
 * The `ssh-config` package parses (quoting, `=`, comments, sections); what
 * applies to a host is decided here, because its `compute()` disagrees with
 * `ssh -G` (`?` matches no character, `Host a,b` is split at the comma),
 * never follows `Include`, and may spawn `nslookup` (CanonicalDomains).
 * Pure: text in, settings out; files named by `Include` come through a
 * reader (ssh-config-file.ts), and nothing here runs a command.
 *
 * `Match` blocks are skipped whole, never evaluated, together with any
 * `Include` in them: `Match exec` runs a shell command (FIELD-NOTES), and a
 * config file must not be able to make cvd-tui run anything on the jump host.
 */
import SSHConfig, { LineType, type Directive, type Line } from 'ssh-config';
import { TransportRefused } from './types.js';
import { errorMessage } from '../util/error.js';

/** Options that apply when every `Host` pattern list in `when` matches ([]: every host). */
export interface SshConfigBlock {
  /** An `Include` inside a Host block makes the included file conditional on that block too. */
  when: string[][];
  /** Keyword (lower case) and its arguments, in file order. */
  options: [string, string[]][];
}

/** A config and everything it includes, flattened in the order ssh(1) reads it. */
export type SshConfig = SshConfigBlock[];

export interface IncludedFile {
  file: string;
  text: string;
}

/** The files one `Include` line names, in the order ssh(1) reads them ([] when none exist). */
export type IncludeReader = (patterns: string[]) => IncludedFile[];

/** ssh(1)'s limit too (READCONF_MAX_DEPTH): a file that includes itself must not loop forever. */
const MAX_INCLUDE_DEPTH = 16;

/** What ssh_config(5) says about one host, with OpenSSH's "first value wins" applied. */
export interface SshHostSettings {
  /** The name asked for (the alias); `Host` patterns match this. */
  alias: string;
  /** `HostName` with `%h` expanded, or the alias (lower case, as ssh(1) makes it). */
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

/**
 * `source` names the file in errors. Without `readIncludes`, `Include` lines
 * are skipped (for text that has no files around it, as in tests).
 */
export function parseSshConfig(
  text: string,
  source = 'ssh config',
  readIncludes: IncludeReader = () => [],
): SshConfig {
  return blocksOf(parseText(text, source), [], { readIncludes, depth: 0 });
}

function parseText(text: string, source: string): Line[] {
  try {
    return SSHConfig.parse(text);
  } catch (error) {
    throw new TransportRefused(
      `${source} is not a valid ssh config (${errorMessage(error)}): fix it; \`ssh -G HOST\` names the line`,
    );
  }
}

/** How to read what an `Include` names, and how many files deep this one already is. */
interface Including {
  readIncludes: IncludeReader;
  depth: number;
}

function blocksOf(lines: Line[], when: string[][], including: Including): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ when, options: [] }];
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const keyword = line.param.toLowerCase();
    const args = argsOf(line.value);
    if ('config' in line) {
      // A section: Host or Match (skipped, see the top of this file).
      if (keyword === 'host') blocks.push(...blocksOf(line.config, [...when, args], including));
    } else if (keyword === 'include') {
      // After the included files, the block the Include stood in goes on.
      blocks.push(...included(args, when, including), { when, options: [] });
    } else {
      blocks.at(-1)!.options.push([keyword, args]);
    }
  }
  return blocks;
}

function included(patterns: string[], when: string[][], including: Including): SshConfigBlock[] {
  if (including.depth >= MAX_INCLUDE_DEPTH)
    throw new TransportRefused(
      `ssh config Include ${patterns.join(' ')} nests ${MAX_INCLUDE_DEPTH} files deep: does a file include itself? Remove that Include`,
    );
  const deeper = { ...including, depth: including.depth + 1 };
  return including
    .readIncludes(patterns)
    .flatMap(({ file, text }) => blocksOf(parseText(text, file), when, deeper));
}

/** A multi-value directive (Host, Include, UserKnownHostsFile) arrives as a list, any other as one string. */
const argsOf = (value: Directive['value']): string[] =>
  typeof value === 'string' ? [value] : value.map((arg) => arg.val);

/**
 * ssh_config(5) PATTERNS: `*` and `?` globs, `!` negates and vetoes the
 * block. Case-sensitive: ssh(1) lower-cases the name asked for, not the
 * patterns, so `Host Prod` matches nothing (checked with `ssh -G`).
 */
function hostMatches(patterns: string[], name: string): boolean {
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
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

/** The settings for `alias`: for each keyword the first value of any matching block wins (IdentityFile accumulates). */
export function resolveSshHost(config: SshConfig, alias: string): SshHostSettings {
  const name = alias.toLowerCase();
  const first = new Map<string, string[]>();
  const identityFiles: string[] = [];
  for (const block of config) {
    if (!block.when.every((patterns) => hostMatches(patterns, name))) continue;
    for (const [keyword, args] of block.options) {
      if (keyword === 'identityfile') identityFiles.push(args.join(' '));
      else if (!first.has(keyword)) first.set(keyword, args);
    }
  }
  const value = (keyword: string) => first.get(keyword)?.join(' ');
  const port = value('port');
  const jump = value('proxyjump');
  return {
    alias,
    hostName: expandTokens(value('hostname') ?? name, { h: name }),
    user: value('user'),
    port: port === undefined ? undefined : Number(port),
    identityFiles,
    proxyJump: jump === undefined || jump.toLowerCase() === 'none' ? undefined : jump,
    // Several files may be listed; the first is the one ssh(1) writes to.
    userKnownHostsFile: first.get('userknownhostsfile')?.[0],
    hashKnownHosts: value('hashknownhosts')?.toLowerCase() === 'yes',
  };
}

/**
 * Host names an operator can pick: every literal `Host` name outside an
 * Include's condition. Not wildcards or negations, nor upper case or commas:
 * ssh(1) lower-cases the name asked for and refuses commas, so those match nothing.
 */
export function hostAliases(config: SshConfig): string[] {
  const names = config
    .filter((block) => block.when.length === 1)
    .flatMap((block) => block.when[0]!)
    .filter((p) => !/[*?!,A-Z]/.test(p));
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
