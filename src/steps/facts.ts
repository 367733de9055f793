import { randomBytes } from 'node:crypto';
import type { Facts } from './types.js';

/**
 * Facts and exit status reach cvd-tui as marker lines inside a command's
 * output, so they must be unforgeable: whatever else the command prints
 * (error.log lines, HTTP bodies, git output) is hostile text, and an
 * error.log line `CVD-FACT windowErrors=0` once made 5.3 pass after six
 * errors (issue 11). Every marker therefore carries a random nonce that the
 * jump host makes for each command and sends on its standard input, never on
 * a command line (`ps` shows those to every user of the target) and never in
 * the script itself (stored, shown, printed by `--plan`). A line without the
 * right nonce is plain output, however much it looks like a marker.
 *
 * Markers: `CVD-FACT:<nonce> key=value` (the scripts' `fact`),
 * `CVD-EXIT:<nonce> <rc>` (the journal's runner, when the script ends),
 * `CVD-NONCE:<command nonce> <attempt nonce>` (the journal's follower: the
 * nonce a journaled attempt was started with, vouched for by this command's).
 */

/** 128 random bits, as hex: unguessable for the life of one command. */
export const newNonce = (): string => randomBytes(16).toString('hex');

const NONCE = /^[0-9a-f]{32}$/;
export const isNonce = (text: string | undefined): text is string => NONCE.test(text ?? '');

/**
 * The first line of every command that prints markers: takes the nonce from
 * standard input (the rest of it stays for the script). A shell variable, not
 * exported: the app a step starts never sees it.
 */
export const READ_NONCE = 'IFS= read -r CVD_NONCE || CVD_NONCE=';

/** Standard input for a command that starts with READ_NONCE. */
export const withNonceStdin = (nonce: string, stdin?: string): string => `${nonce}\n${stdin ?? ''}`;

/**
 * The shell side, in every step script's prelude. `export -n`: the journal
 * hands the nonce to a detached step through its environment, and the
 * processes the step starts (the app itself, under the demo's cvdctl) must
 * not inherit it.
 */
export const FACT_FUNCTION = [
  'export -n CVD_NONCE 2>/dev/null',
  `fact() { printf 'CVD-FACT:%s %s=%s\\n' "\${CVD_NONCE-}" "$1" "$2"; }`,
].join('\n');

/** How a fact line reads once its nonce is checked: what the Logs pane and the transcript show. */
const shownFact = (key: string, value: string): string => `CVD-FACT ${key}=${value}`;

const SHOWN_FACT = /^CVD-FACT ([A-Za-z][A-Za-z0-9_]*)=(.*)$/;

/**
 * The key and value of a fact line as shown (`CVD-FACT key=value`). The
 * shown form carries no nonce: only a caller that knows the line was a
 * checked marker (a `fact` line event, a value the store recorded) may read
 * it as a fact; to anyone else it is text.
 */
export function shownFactParts(line: string): { key: string; value: string } | undefined {
  const match = SHOWN_FACT.exec(line);
  return match ? { key: match[1]!, value: match[2]! } : undefined;
}

const FACT = /^CVD-FACT:([0-9a-f]{32}) ([A-Za-z][A-Za-z0-9_]*)=(.*)$/;
const EXIT = /^CVD-EXIT:([0-9a-f]{32}) (\d+)$/;
const ATTEMPT = /^CVD-NONCE:([0-9a-f]{32}) ([0-9a-f]{32})?$/;

/** One output line, as the holder of the right nonce reads it. */
export type MarkedLine =
  | { kind: 'fact'; key: string; value: string; shown: string }
  | { kind: 'exit'; code: number }
  | { kind: 'attempt'; nonce: string | undefined }
  | { kind: 'text' };

/**
 * Reads one line against the nonce of the command that printed it
 * (`command`) and the nonce its facts carry (`facts`: a journaled attempt's
 * own, else the command's). Anything that is not a marker with the right
 * nonce is `text`.
 */
export function markedLine(line: string, facts: string, command = facts): MarkedLine {
  const trimmed = line.trimEnd();
  const fact = FACT.exec(trimmed);
  if (fact && fact[1] === facts)
    return { kind: 'fact', key: fact[2]!, value: fact[3]!, shown: shownFact(fact[2]!, fact[3]!) };
  const exit = EXIT.exec(trimmed);
  if (exit && exit[1] === facts) return { kind: 'exit', code: Number(exit[2]) };
  const attempt = ATTEMPT.exec(trimmed);
  if (attempt && attempt[1] === command) return { kind: 'attempt', nonce: attempt[2] };
  return { kind: 'text' };
}

/** What a command's output says, once its markers are read. */
export interface Marked {
  /** Facts with the right nonce; a later value for a key wins. */
  facts: Facts;
  /** From the last exit marker with the right nonce; undefined when there is none. */
  exitCode: number | undefined;
  /** The output as the operator sees it: fact lines without their nonce, other markers removed. */
  output: string;
}

/**
 * Reads a whole output. Without a nonce (`undefined`: a journal written
 * before nonces, or one whose nonce is unreadable) nothing is a marker: no
 * facts, no exit status, every line plain output.
 */
export function readMarked(output: string, nonce: string | undefined): Marked {
  const facts: Record<string, string> = {};
  let exitCode: number | undefined;
  const shown: string[] = [];
  for (const line of output.split('\n')) {
    const marked: MarkedLine = nonce ? markedLine(line, nonce) : { kind: 'text' };
    if (marked.kind === 'fact') {
      facts[marked.key] = marked.value;
      shown.push(marked.shown);
    } else if (marked.kind === 'exit') exitCode = marked.code;
    else if (marked.kind === 'text') shown.push(line);
  }
  return { facts, exitCode, output: shown.join('\n') };
}
