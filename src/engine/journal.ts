import { sh } from '../transport/quote.js';

/**
 * The remote step journal. A mutating step runs on the target detached from
 * the SSH session (setsid, no pty, all three streams redirected: FIELD-NOTES),
 * writing its output, pid and exit status into its own directory, keyed by
 * deployment, step and attempt. The status file appears atomically (temp file
 * + rename), so "rc exists" means the step finished and rc is its status.
 * After a lost connection or a crash, the journal says how the step ended.
 */
export const journalDir = (
  deployments: string,
  deploymentId: string,
  stepId: string,
  attempt: number,
) => `${deployments}/${deploymentId}/journal/${stepId}-${attempt}`;

/** The last line the follow command prints: the step's exit status, or `unknown`. */
export const EXIT_MARKER = 'CVD-EXIT ';

/**
 * The detached runner records its own pid before the script starts: the
 * launcher's record comes after the fork, so a launcher killed in between
 * left a running step with no pid, read as `absent` ("never started") and
 * re-run by resume — 2.3 applied twice (test/integration/crash-resume).
 * Now "no pid" really means the script never started.
 */
const RUNNER =
  'echo $$ > "$1/pid.run" && mv -f "$1/pid.run" "$1/pid" || exit 97; ' +
  'bash "$1/script.sh" > "$1/out" 2>&1; echo $? > "$1/rc.tmp" && mv -f "$1/rc.tmp" "$1/rc"';

/** Follows the step's output until its process is gone, then prints the exit marker. */
const follow = (dir: string) =>
  [
    sh`d=${dir}`,
    // tail --pid ends once the step's process is gone, after a last read of the file.
    // When the caller gives up (a timeout kills this shell with TERM), tail must go too: left
    // behind, it held the local transport's pipe open and cvd-tui could not exit until the
    // step ended (test/integration/crash-resume, "outlives its timeout"). Hence & + wait + trap.
    'tail -n +1 -s 0.2 --pid="$(cat "$d/pid")" -f "$d/out" 2>/dev/null & t=$!',
    `trap 'kill "$t" 2>/dev/null; exit 143' TERM HUP`,
    'wait "$t"; trap - TERM HUP',
    `if [ -f "$d/rc" ]; then echo "${EXIT_MARKER}$(cat "$d/rc")"; else echo "${EXIT_MARKER}unknown"; fi`,
  ].join('\n');

/**
 * Starts the step (only if this attempt never started: a repeated launch of
 * the same attempt just follows it) and follows it to the end.
 */
export function launchAndFollow(dir: string, script: string): string {
  return [
    sh`d=${dir}`,
    'mkdir -p -- "$d" || exit 97',
    'if [ ! -e "$d/pid" ]; then',
    sh`  printf '%s\n' ${script} > "$d/script.sh"`,
    '  : > "$d/out"',
    `  setsid nohup bash -c ${sh`${RUNNER}`} cvd-step "$d" </dev/null >/dev/null 2>&1 &`,
    '  echo $! > "$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"',
    'fi',
    follow(dir),
  ].join('\n');
}

export const reattach = follow;

export type JournalState =
  { kind: 'finished'; code: number } | { kind: 'running' } | { kind: 'died' } | { kind: 'absent' };

export function statusCommand(dir: string): string {
  return [
    sh`d=${dir}`,
    'if [ -f "$d/rc" ]; then echo "finished $(cat "$d/rc")"',
    'elif [ -f "$d/pid" ] && kill -0 "$(cat "$d/pid")" 2>/dev/null; then echo running',
    'elif [ -f "$d/pid" ]; then echo died',
    'else echo absent; fi',
  ].join('\n');
}

export function parseStatus(output: string): JournalState | undefined {
  const line = output.trim().split('\n').pop() ?? '';
  const finished = /^finished (\d+)$/.exec(line);
  if (finished) return { kind: 'finished', code: Number(finished[1]) };
  if (line === 'running' || line === 'died' || line === 'absent') return { kind: line };
  return undefined;
}

export const outputCommand = (dir: string) => sh`cat -- ${dir + '/out'}`;

/** The exit status carried by a follow command's marker line; undefined for any other line. */
export function exitMarker(line: string): number | 'unknown' | undefined {
  if (!line.startsWith(EXIT_MARKER)) return undefined;
  const value = line.slice(EXIT_MARKER.length).trim();
  return /^\d+$/.test(value) ? Number(value) : 'unknown';
}
