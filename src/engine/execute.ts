import type { ExecResult, Transport } from '../transport/types.js';
import {
  exitMarker,
  launchAndFollow,
  outputCommand,
  parseStatus,
  reattach,
  statusCommand,
  type JournalState,
} from './journal.js';

/** How one run of a step's command ended, as far as the jump host can tell. */
export type Execution =
  | { kind: 'exited'; code: number; output: string }
  /** No exit status: connection lost, timed out, or the journal cannot say. The step may still be running. */
  | { kind: 'unsettled'; reason: string; output: string };

export interface ExecuteOptions {
  journal?: string;
  stdin?: string;
  timeoutMs: number;
  /** Read-only steps only: aborting ends the command on the target (a journaled step must survive). */
  signal?: AbortSignal;
  onLine: (line: string) => void;
}

/**
 * Runs a step's script: directly for read-only steps, under the remote
 * journal for mutating ones. Exit markers are stripped; lines reach `onLine`
 * as they arrive.
 */
export async function execute(
  transport: Transport,
  script: string,
  options: ExecuteOptions,
): Promise<Execution> {
  const command = options.journal ? launchAndFollow(options.journal, script) : script;
  return run(transport, command, options);
}

/** Runs a command, keeping the journal's exit marker out of the step's output. */
async function run(
  transport: Transport,
  command: string,
  options: Omit<ExecuteOptions, 'journal'>,
): Promise<Execution> {
  const lines: string[] = [];
  let marker: number | 'unknown' | undefined;
  const result = await transport.exec(command, {
    stdin: options.stdin,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onLine: (line) => {
      const exit = exitMarker(line);
      if (exit !== undefined) return void (marker = exit);
      lines.push(line);
      options.onLine(line);
    },
  });
  return settle(result, marker, lines);
}

function settle(
  result: ExecResult,
  marker: number | 'unknown' | undefined,
  lines: string[],
): Execution {
  const output = lines.join('\n');
  if (result.outcome.kind === 'exited') {
    if (marker === undefined) return { kind: 'exited', code: result.outcome.code, output };
    if (marker === 'unknown')
      return { kind: 'unsettled', reason: 'the step process ended without an exit status', output };
    return { kind: 'exited', code: marker, output };
  }
  const { outcome } = result;
  const reason =
    outcome.kind === 'lost'
      ? `connection lost: ${outcome.reason}`
      : outcome.kind === 'aborted'
        ? 'interrupted'
        : `timed out after ${Math.round(outcome.afterMs / 1000)} s`;
  return { kind: 'unsettled', reason, output };
}

/** Asks the target's journal how an attempt stands. Undefined when the target cannot be asked. */
export async function journalState(
  transport: Transport,
  dir: string,
): Promise<JournalState | undefined> {
  const result = await transport.exec(statusCommand(dir), { timeoutMs: 30_000 });
  return result.outcome.kind === 'exited' ? parseStatus(result.output) : undefined;
}

/** The complete output of a journaled attempt, from the target. */
export async function journalOutput(
  transport: Transport,
  dir: string,
): Promise<string | undefined> {
  const result = await transport.exec(outputCommand(dir), { timeoutMs: 60_000 });
  return result.outcome.kind === 'exited' && result.outcome.code === 0
    ? result.output.replace(/\n$/, '')
    : undefined;
}

/** Follows a journaled attempt that is still running on the target to its end. */
export const followRunning = (
  transport: Transport,
  dir: string,
  options: Omit<ExecuteOptions, 'journal' | 'stdin'>,
) => run(transport, reattach(dir), options);
