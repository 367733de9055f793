/**
 * One soak instant: a headless deploy of v1.0.1 killed (SIGKILL) or
 * interrupted (SIGINT) at a given instant, then resumed until it ends, then
 * checked against what an uninterrupted deploy leaves, then rolled back so
 * the next instant starts from v1.0.0 again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, startCli, headlessDeploy } from './cli.js';
import { journalRuns, MUTATING } from './crash.js';
import type { DemoHandle } from './demo.js';

export interface Instant {
  signal: 'SIGKILL' | 'SIGINT';
  afterMs: number;
}

export interface InstantOutcome extends Instant {
  /** The killed run's exit: a code, the signal that ended it, or `finished` when it ended first. */
  killed: string;
  /** The last step the killed run reported done, or `-` before any. */
  after: string;
  /** What it took to end the deployment: resumes, and a new deploy when the first was never recorded. */
  resumes: number;
  redeployed: boolean;
  /** Empty when the end state is an uninterrupted deploy's; else what differs. */
  problems: string[];
}

/** Instants from a seeded generator: reproducible tables; the first ones always in the first second. */
export function instants(count: number, seed: number, maxMs: number): Instant[] {
  let x = seed >>> 0 || 1;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => ({
    signal: i % 2 === 0 ? 'SIGINT' : 'SIGKILL',
    // A fifth of the instants in the first second, where the locks are taken.
    afterMs: Math.round(i % 5 === 0 ? 50 + next() * 950 : next() * maxMs),
  }));
}

function deploymentsOf(state: string): { id: string; status: string }[] {
  if (!existsSync(state)) return [];
  const db = new Database(state, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, status FROM deployments ORDER BY started_at').all() as {
      id: string;
      status: string;
    }[];
  } finally {
    db.close();
  }
}

/** What differs from an uninterrupted deploy of v1.0.1 (empty: nothing). */
export async function differences(demo: DemoHandle, before: number): Promise<string[]> {
  const problems: string[] = [];
  const runs = deploymentsOf(demo.state).slice(before);
  if (runs.length !== 1) problems.push(`${runs.length} deployments recorded, not 1`);
  const last = runs.at(-1);
  if (last?.status !== 'succeeded') problems.push(`deployment ${last?.id} is ${last?.status}`);
  if (existsSync(join(demo.dir, 'deployments', '.lock'))) problems.push('the deploy lock is held');
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', join(demo.dir, 'app'), ...args], { encoding: 'utf8' }).trim();
  if (git('rev-parse', 'HEAD') !== git('rev-parse', 'v1.0.1^{commit}'))
    problems.push('the app is not at v1.0.1');
  if ((await demo.appGet('/health')).status !== 200) problems.push('/health is not 200');
  if (last) {
    const ran = journalRuns(join(demo.dir, 'deployments'), last.id);
    for (const step of MUTATING) {
      const finished = [...ran].filter(([name, rc]) => name.startsWith(`${step}-`) && rc);
      if (finished.length !== 1 || finished[0]![1] !== '0')
        problems.push(`${step} ran ${finished.length} times (${finished.map((f) => f[1])})`);
    }
  }
  return problems;
}

export async function soakInstant(demo: DemoHandle, instant: Instant): Promise<InstantOutcome> {
  const before = deploymentsOf(demo.state).length;
  const run = startCli(headlessDeploy('v1.0.1', ...demo.flags));
  const timer = setTimeout(() => {
    try {
      process.kill(run.pid, instant.signal);
    } catch {
      // Already ended.
    }
  }, instant.afterMs);
  const first = await run.done;
  clearTimeout(timer);
  const killed =
    first.signal ?? (first.code === 0 || first.code === 1 ? 'finished' : String(first.code));
  const after = /^(\S+) .*(?:succeeded|failed|skipped) /m.test(first.stdout)
    ? [...first.stdout.matchAll(/^(\S+) .*(?:succeeded|failed|skipped) /gm)].at(-1)![1]!
    : '-';
  let resumes = 0;
  let redeployed = false;
  const problems: string[] = [];
  for (let tries = 0; first.code !== 0 && tries < 4; tries++) {
    const unfinished = deploymentsOf(demo.state)
      .slice(before)
      .some((d) => d.status === 'in_progress' || d.status === 'failed');
    const next = unfinished
      ? await runCli(['resume', '--headless', '--confirm-all', ...demo.flags])
      : await runCli(headlessDeploy('v1.0.1', ...demo.flags));
    if (unfinished) resumes++;
    else redeployed = true;
    if (next.code === 0) break;
    if (tries === 3) problems.push(`did not end: ${next.code} ${next.stdout}${next.stderr}`);
  }
  problems.push(...(await differences(demo, before)));
  const reset = await runCli(['rollback', '--headless', ...demo.flags]);
  if (reset.code !== 0) problems.push(`reset rollback: ${reset.code} ${reset.stderr}`);
  return { ...instant, killed, after, resumes, redeployed, problems };
}

/** The table for the report: one row per instant. */
export function table(outcomes: InstantOutcome[]): string {
  const rows = outcomes.map(
    (o) =>
      `| ${o.signal} | ${String(o.afterMs).padStart(5)} ms | ${o.after} | ${o.killed} | ${o.resumes} | ${o.redeployed ? 'yes' : 'no'} | ${o.problems.join('; ') || 'same as uninterrupted'} |`,
  );
  const ok = outcomes.filter((o) => !o.problems.length).length;
  return [
    '| signal | instant | last step done | killed run | resumes | new deploy | end state |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `${ok} of ${outcomes.length} instants ended like an uninterrupted deploy.`,
  ].join('\n');
}
