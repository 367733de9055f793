import { chainProblems } from '../state/chain.js';
import type { ExecutionLog } from './build.js';
import { exportedRunDigest } from './runs.js';

/** What an exported log says about itself: which deployment, and the chain head it was exported at. */
export interface LogClaim {
  deploymentId: string;
  chain: ExecutionLog['chain'];
  /** What the log's own content contradicts (JSON only: Markdown does not carry the whole record). */
  problems: string[];
}

const MARKDOWN_TITLE = /^# CVD Deployment — Execution Log \((\S+)\)$/m;
const MARKDOWN_HEAD = /^Chain head: event #(\d+) sha256:([0-9a-f]{64})$/m;

/** Reads a JSON or Markdown execution log; undefined when it is neither. */
export function readLog(text: string): LogClaim | undefined {
  if (text.trimStart().startsWith('{')) {
    let log: ExecutionLog;
    try {
      log = JSON.parse(text) as ExecutionLog;
    } catch {
      return undefined;
    }
    return { deploymentId: log.id, chain: log.chain, problems: jsonProblems(log) };
  }
  const title = MARKDOWN_TITLE.exec(text);
  if (!title) return undefined;
  const head = MARKDOWN_HEAD.exec(text);
  return {
    deploymentId: title[1]!,
    chain: head ? { length: Number(head[1]), head: head[2]! } : null,
    problems: [],
  };
}

/**
 * Recomputes the chain from the log's events and checks it ends at the head
 * the log claims, and that every ended attempt in `steps[].runs[]` is the
 * one a chained event recorded.
 */
function jsonProblems(log: ExecutionLog): string[] {
  if (!log.chain) return ['the log carries no chain head: it was exported by an older cvd-tui'];
  const events = log.events.map((e) => ({ ...e, at: Date.parse(e.at) }));
  const recorded = new Set(events.map((e) => e.digest).filter(Boolean));
  const runs = log.steps.flatMap((step) =>
    step.runs
      .filter((run) => run.status !== 'running')
      .filter((run) => !recorded.has(exportedRunDigest(step.id, run)))
      .map(
        (run) =>
          `step ${step.id} attempt ${run.attempt} (${run.status}) in the log differs from what the record holds`,
      ),
  );
  return [
    ...chainProblems(log.id, events, { seq: log.chain.length, hash: log.chain.head }),
    ...runs,
    ...log.steps
      .filter((step) => !agreesWithRuns(step))
      .map(
        (step) =>
          `step ${step.id}'s status, exit code, output or summary differs from its attempts`,
      ),
  ];
}

/** A step's own fields repeat its attempts (build.ts): the last one, and the last one that ran. */
function agreesWithRuns(step: ExecutionLog['steps'][number]): boolean {
  const last = step.runs.at(-1);
  const ran = step.runs.findLast((r) => r.status !== 'skipped');
  const claimed = [
    step.status,
    step.summary,
    step.reason,
    step.exitCode,
    step.output,
    step.command,
  ];
  const recorded = [
    last?.status ?? 'pending',
    last?.summary ?? null,
    last?.status === 'skipped' ? last.reason : null,
    ran?.exitCode ?? null,
    ran?.output ?? '',
    ran?.command ?? null,
  ];
  return JSON.stringify(claimed) === JSON.stringify(recorded);
}
