/**
 * Reads an ssh config file and the files its `Include` lines name, the way
 * ssh(1) finds them, for the pure resolution in ssh-config.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSshConfig, type IncludedFile, type SshConfig } from './ssh-config.js';
import { TransportRefused } from './types.js';
import { errorMessage } from '../util/error.js';

/** A missing file is no config at all (ssh(1) behaves the same); "" turns reading off. */
export function loadSshConfig(file: string, home: string): SshConfig {
  const text = file === '' ? undefined : readConfigFile(file);
  if (text === undefined) return [];
  return parseSshConfig(text, file, (patterns) => readIncluded(patterns, home));
}

function readIncluded(patterns: string[], home: string): IncludedFile[] {
  return patterns
    .flatMap((pattern) => globFiles(includePath(pattern, home)))
    .flatMap((file) => {
      const text = readConfigFile(file);
      return text === undefined ? [] : [{ file, text }];
    });
}

/** `~/` is the home directory; a relative path is under ~/.ssh, as for ssh(1)'s user config (also with -F). */
function includePath(pattern: string, home: string): string {
  if (pattern === '~' || pattern.startsWith('~/')) return path.join(home, pattern.slice(1));
  return path.isAbsolute(pattern) ? pattern : path.join(home, '.ssh', pattern);
}

/** undefined for a file that is not there (an Include that names nothing is no error to ssh(1) either). */
function readConfigFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new TransportRefused(`cannot read ssh config ${file}: ${errorMessage(error)}`);
  }
}

/**
 * glob(3) as ssh(1) uses it for Include, on an absolute path: `*`, `?` and
 * `[…]` within a path segment; a leading dot only matches a literal dot;
 * the matches sorted, so files are read in a stable order.
 */
function globFiles(pattern: string): string[] {
  let paths = [''];
  for (const segment of pattern.split('/').slice(1)) {
    if (!/[*?[]/.test(segment)) {
      paths = paths.map((dir) => `${dir}/${segment}`);
      continue;
    }
    const matches = segmentMatcher(segment);
    paths = paths.flatMap((dir) =>
      listDir(dir || '/')
        .filter(matches)
        .map((n) => `${dir}/${n}`),
    );
  }
  return paths.sort();
}

function segmentMatcher(segment: string): (name: string) => boolean {
  // A bracket class is kept as a regex class (`[!…]` negates); every other special character is literal.
  const source = segment.replace(/\[!?[^\]]*\]|[*?]|[\\^$.|+(){}[\]]/g, (token) =>
    token === '*'
      ? '.*'
      : token === '?'
        ? '.'
        : token.length > 1
          ? token.replace(/^\[!/, '[^')
          : `\\${token}`,
  );
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name) && (segment.startsWith('.') || !name.startsWith('.'));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // not there, or not a directory: matches nothing, as with glob(3)
  }
}
