import {
  markedLine,
  newNonce,
  READ_NONCE,
  readMarked,
  withNonceStdin,
  type Marked,
} from '../steps/facts.js';
import type { Facts } from '../steps/types.js';
import type { ExecOptions, ExecResult, Transport } from '../transport/types.js';
import { JoinedLines } from '../util/joined-lines.js';
import type { AppUserTarget } from './app-user.js';
import {
  attemptCommand,
  launchAndFollow,
  parseAttemptFiles,
  parseStatus,
  readAttempt,
  reattach,
  statusCommand,
  type JournalState,
} from './journal.js';

/** How one run of a step's command ended, as far as the jump host can tell. */
export type Execution =
  | {
      kind: 'exited';
      code: number;
      output: string;
      facts: Facts;
      /**
       * A journaled attempt's whole output came in this stream: from the
       * journal's first line to the runner's exit marker, both vouched for by
       * nonces. What the journal holds then adds nothing a re-read would find.
       */
      streamedWhole?: boolean;
    }
  /** No exit status: connection lost, timed out, or the journal cannot say. The step may still be running. */
  | { kind: 'unsettled'; reason: string; output: string; facts: Facts };

export interface ExecuteOptions {
  /** The attempt's journal directory: the step runs detached under the journal. */
  journal?: string;
  stdin?: string;
  timeoutMs: number;
  /** Read-only steps only: aborting ends the command on the target (a journaled step must survive). */
  signal?: AbortSignal;
  /** Each output line as it arrives; `fact`: a fact line whose nonce was right (shown quietly). */
  onLine: (line: string, fact: boolean) => void;
}

/** The launcher's status when the journal could not be written: the step never started. */
export const JOURNAL_UNWRITABLE = 97;

/**
 * Runs a step's script: directly for read-only steps, under the remote
 * journal for mutating ones. Markers are read with this run's nonce and kept
 * out of the output; fact lines reach `onLine` without their nonce.
 */
export async function execute(
  transport: Transport,
  target: AppUserTarget,
  script: string,
  options: ExecuteOptions,
): Promise<Execution> {
  if (!options.journal) return run(transport, `${READ_NONCE}\n${script}`, false, options);
  return run(transport, launchAndFollow(target, options.journal, script), true, options);
}

/** Follows a journaled attempt that is still running on the target to its end. */
export const followRunning = (
  transport: Transport,
  target: AppUserTarget,
  dir: string,
  options: Omit<ExecuteOptions, 'journal' | 'stdin'>,
) => run(transport, reattach(target, dir), true, options);

/** A command's result with the facts it printed (nonce checked) and its output as shown. */
export type FactsResult = ExecResult & { facts: Facts };

/**
 * Runs a read-only script built on the step prelude (`fact`) and reads its
 * facts: for doctor, monitor, preflight and drift, whose verdicts must not be
 * decided by what a log line or an HTTP body looks like either.
 */
export async function execWithFacts(
  transport: Transport,
  script: string,
  options: Pick<ExecOptions, 'timeoutMs'>,
): Promise<FactsResult> {
  const nonce = newNonce();
  const result = await transport.exec(`${READ_NONCE}\n${script}`, {
    ...options,
    stdin: withNonceStdin(nonce),
  });
  const { facts, output } = readMarked(result.output, nonce);
  return { ...result, output, facts };
}

/**
 * Reads one command's lines: the command's nonce vouches for a journaled
 * attempt's own (`CVD-NONCE`), whose facts and exit marker then count.
 */
class MarkerReader {
  readonly facts: Record<string, string> = {};
  exitCode: number | undefined;
  private attempt: string;

  constructor(readonly command: string) {
    this.attempt = command;
  }

  take(line: string, show: (line: string, fact: boolean) => void): void {
    const marked = markedLine(line, this.attempt, this.command);
    switch (marked.kind) {
      case 'attempt':
        // A journal without a readable nonce: none of its lines can be a marker.
        this.attempt = marked.nonce ?? '';
        return;
      case 'exit':
        this.exitCode = marked.code;
        return;
      case 'fact':
        this.facts[marked.key] = marked.value;
        return show(marked.shown, true);
      case 'text':
        return show(line, false);
    }
  }
}

async function run(
  transport: Transport,
  command: string,
  journaled: boolean,
  options: Omit<ExecuteOptions, 'journal'>,
): Promise<Execution> {
  const lines = new JoinedLines();
  const reader = new MarkerReader(newNonce());
  const result = await transport.exec(command, {
    stdin: withNonceStdin(reader.command, options.stdin),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onLine: (line) =>
      reader.take(line, (shown, fact) => {
        lines.push(shown);
        options.onLine(shown, fact);
      }),
  });
  const output = lines.text();
  const { facts } = reader;
  const { outcome } = result;
  if (outcome.kind === 'exited') {
    if (!journaled) return { kind: 'exited', code: outcome.code, output, facts };
    if (reader.exitCode !== undefined)
      return { kind: 'exited', code: reader.exitCode, output, facts, streamedWhole: true };
    if (outcome.code === JOURNAL_UNWRITABLE)
      return { kind: 'exited', code: JOURNAL_UNWRITABLE, output, facts };
    return {
      kind: 'unsettled',
      reason: 'the step process ended without an exit status',
      output,
      facts,
    };
  }
  const reason =
    outcome.kind === 'lost'
      ? `connection lost: ${outcome.reason}`
      : outcome.kind === 'aborted'
        ? 'interrupted'
        : `timed out after ${Math.round(outcome.afterMs / 1000)} s`;
  return { kind: 'unsettled', reason, output, facts };
}

/** Asks the target's journal how an attempt stands. Undefined when the target cannot be asked. */
export async function journalState(
  transport: Transport,
  target: AppUserTarget,
  dir: string,
): Promise<JournalState | undefined> {
  const result = await transport.exec(statusCommand(target, dir), { timeoutMs: 30_000 });
  return result.outcome.kind === 'exited' ? parseStatus(result.output) : undefined;
}

/**
 * A journaled attempt as the target's journal has it: complete output,
 * facts and exit code (journal.ts `readAttempt`). Undefined when the target
 * cannot be asked or the attempt has no output file.
 */
export async function journalAttempt(
  transport: Transport,
  target: AppUserTarget,
  dir: string,
): Promise<Marked | undefined> {
  const result = await transport.exec(attemptCommand(target, dir), { timeoutMs: 60_000 });
  return result.outcome.kind === 'exited' && result.outcome.code === 0
    ? readAttempt(parseAttemptFiles(result.output))
    : undefined;
}
