import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative } from 'node:path';

/** A path or name as the operator can paste it into a shell. */
export const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/** What the process was started as: its argv, environment and working directory. */
export interface Start {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const realpath = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** The `cvd-tui` that PATH finds first, resolved through its links. */
function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'cvd-tui');
    try {
      accessSync(candidate, constants.X_OK);
      return realpath(candidate);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * npx (npm exec) runs its command as an `npx` lifecycle script, whose text
 * is the command it ran (`'cvd-tui'`); a program npx ran for something else
 * (a test runner) passes the same variables on to what it starts.
 */
const byNpx = (env: NodeJS.ProcessEnv): boolean =>
  env.npm_lifecycle_event === 'npx' && /^'?cvd-tui\b/.test(env.npm_lifecycle_script ?? '');

/**
 * How the operator started cvd-tui, as they can type it again: `cvd-tui`
 * when that name on PATH is this script, `npx cvd-tui` under npx, else
 * `node <script>` (relative to the working directory when it is under it).
 * Anything else (cvd-tui loaded by another program, a test runner) reads
 * as `cvd-tui`.
 */
export function describeInvocation({ argv, env, cwd }: Start): string {
  const script = argv[1];
  if (!script || !/^cvd-tui(\.js)?$/.test(basename(script))) return 'cvd-tui';
  if (byNpx(env)) return 'npx cvd-tui';
  const real = realpath(script);
  if (real && onPath(env) === real) return 'cvd-tui';
  const near = relative(cwd, script);
  const path = near && !near.startsWith('..') && !isAbsolute(near) ? near : script;
  return `node ${shellWord(path)}`;
}

let invoked: string | undefined;

/**
 * `cli('resume <id>')`: a cvd-tui command line as this process was started
 * (`node bin/cvd-tui.js resume <id>`), for every hint that tells the
 * operator what to run next. Worked out once, from the start-up argv.
 */
export function cli(args: string): string {
  invoked ??= describeInvocation({ argv: process.argv, env: process.env, cwd: process.cwd() });
  return `${invoked} ${args}`;
}
