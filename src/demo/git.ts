import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.js';
import { ASSETS, type DemoLayout } from './layout.js';

/**
 * The releases in the demo's origin. Each one is `server.mjs` plus the files
 * under `assets/demo-app/releases/<tag>/` laid over the previous release.
 * Fixed dates keep the history the same on every build.
 */
export const RELEASES = [
  { tag: 'v1.0.0', date: '2025-01-06T10:00:00Z' },
  { tag: 'v1.0.1', date: '2025-02-03T10:00:00Z' },
  { tag: 'v1.0.2', date: '2025-03-03T10:00:00Z' },
] as const;

export const RUNNING_RELEASE = 'v1.0.0';

// The build must not depend on (or be broken by) the user's git setup: no
// identity configured, signing forced on, hooks, another default branch.
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'CVD Release Bot',
  GIT_AUTHOR_EMAIL: 'releases@cvd.invalid',
  GIT_COMMITTER_NAME: 'CVD Release Bot',
  GIT_COMMITTER_EMAIL: 'releases@cvd.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  // Set when the build runs inside a git hook; they would redirect every command.
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
};
const GIT_FLAGS = [
  '-c',
  'init.defaultBranch=main',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'tag.gpgsign=false',
  '-c',
  'core.hooksPath=/dev/null',
];

const git = (args: string[], env: Record<string, string> = {}) =>
  run('git', [...GIT_FLAGS, ...args], { env: { ...GIT_ENV, ...env } });

/** Makes repo.git (the origin, with the release tags) and app/ (its clone, at v1.0.0). */
export async function buildRepository(layout: DemoLayout): Promise<void> {
  await git(['init', '--quiet', '--bare', layout.repo]);
  await git(['clone', '--quiet', layout.repo, layout.app]);
  const inApp = ['-C', layout.app];
  for (const { tag, date } of RELEASES) {
    await cp(join(ASSETS, 'server.mjs'), layout.server);
    await cp(join(ASSETS, 'releases', tag), layout.app, { recursive: true });
    await writeFile(join(layout.app, 'VERSION'), `${tag}\n`);
    const dated = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await git([...inApp, 'add', '--all']);
    await git([...inApp, 'commit', '--quiet', '-m', `Release ${tag}`], dated);
    await git([...inApp, 'tag', '--annotate', tag, '-m', `CVD ${tag}`], dated);
  }
  await git([...inApp, 'push', '--quiet', 'origin', 'main', '--tags']);
  await git([...inApp, 'checkout', '--quiet', RUNNING_RELEASE]);
}
