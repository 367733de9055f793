import { createHash } from 'node:crypto';

/**
 * The record's hash chain. Every event of a deployment (step started,
 * finished, skipped, status changed, …) is linked to the one before it:
 * `hash = SHA-256(canonical form of the event + the previous hash)`, so an
 * event edited or deleted after the fact breaks the chain where it happened.
 * A step's outcome (command, exit status, output) enters the chain as the
 * `digest` of the event that ended it. The chain is tamper-evident, not
 * tamper-proof: whoever can rewrite every later event can hide an edit, which
 * is why the export carries the head and `export --sign` signs it.
 */

/** The `prev` of a deployment's first event. */
export const GENESIS = '0'.repeat(64);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The content of one event, as hashed (`at` in epoch ms). */
export interface ChainedContent {
  seq: number;
  at: number;
  type: string;
  actor: string;
  detail: string | null;
  digest: string | null;
}

/**
 * One event's hash. The canonical form is a JSON array in a fixed order:
 * no key order or whitespace to disagree about, and the version tag lets a
 * later form coexist with this one.
 */
export const eventHash = (deploymentId: string, event: ChainedContent, prev: string): string =>
  sha256(
    JSON.stringify([
      'cvd-tui/event/1',
      deploymentId,
      event.seq,
      event.at,
      event.type,
      event.actor,
      event.detail,
      event.digest,
      prev,
    ]),
  );

/** One ended attempt of a step, as its digest covers it (times in epoch ms). */
export interface RunContent {
  stepId: string;
  attempt: number;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  command: string | null;
  output: string;
  summary: string | null;
  reason: string | null;
}

export const runDigest = (run: RunContent): string =>
  sha256(
    JSON.stringify([
      'cvd-tui/run/1',
      run.stepId,
      run.attempt,
      run.status,
      run.startedAt,
      run.finishedAt,
      run.exitCode,
      run.command,
      run.output,
      run.summary,
      run.reason,
    ]),
  );

/** An event as read back: seq and hash are null for one written before the chain existed. */
export interface ChainLink extends Omit<ChainedContent, 'seq'> {
  seq: number | null;
  hash: string | null;
  /** The link it was written with: the state database stores it, an export does not. */
  prev?: string | null;
}

/** The last link of a deployment's chain, kept apart from the events so a deleted last event shows. */
export interface ChainHead {
  seq: number;
  hash: string;
}

const describe = (e: ChainLink) =>
  `event #${e.seq ?? '?'} (${new Date(e.at).toISOString()} ${e.type} — ${e.actor}${e.detail ? `: ${e.detail}` : ''})`;

const missing = (from: number, to: number, where: string) =>
  from === to
    ? `event #${from} ${where} was deleted`
    : `events #${from}–#${to} ${where} were deleted`;

/**
 * Walks a deployment's chain in `seq` order and names every break: an event
 * whose content no longer matches its hash (edited), a link that no longer
 * matches the event before it (edited and re-hashed, or reordered), a gap in
 * the sequence or a shorter chain than its head records (deleted).
 * The state database stores each event's `prev`; an export does not, and
 * the link is then taken from the event before.
 */
export function chainProblems(
  deploymentId: string,
  events: readonly ChainLink[],
  head: ChainHead | undefined,
): string[] {
  const problems: string[] = [];
  let expected = 1;
  let before = GENESIS;
  let previous: ChainLink | undefined;
  for (const link of events) {
    if (link.hash === null || link.seq === null) {
      problems.push(`${describe(link)} carries no hash: it was not recorded by cvd-tui's chain`);
      continue;
    }
    const event = { ...link, seq: link.seq, hash: link.hash };
    if (event.seq > expected)
      problems.push(
        missing(
          expected,
          event.seq - 1,
          previous ? `between ${describe(previous)} and #${event.seq}` : `before #${event.seq}`,
        ),
      );
    const prev = event.prev ?? before;
    // Right after a gap, a log without stored links cannot tell what this event followed.
    const unknowable = event.prev === undefined && event.seq > expected;
    if (!unknowable && eventHash(deploymentId, event, prev) !== event.hash)
      problems.push(`${describe(event)} was edited: its content does not match its hash`);
    else if (prev !== before && event.seq === expected)
      problems.push(
        `${describe(event)} does not follow the event before it: ${previous ? describe(previous) : 'the start'} was edited and re-hashed`,
      );
    expected = event.seq + 1;
    before = event.hash;
    previous = event;
  }
  if (head && head.seq >= expected)
    problems.push(missing(expected, head.seq, 'at the end of the record'));
  else if (head && head.seq === expected - 1 && head.hash !== before)
    problems.push(
      `${previous ? describe(previous) : 'the last event'} differs from the chain head recorded`,
    );
  return problems;
}
