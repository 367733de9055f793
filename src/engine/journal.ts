import { isNonce, READ_NONCE, readMarked, type Marked } from '../steps/facts.js';
import { sh } from '../shell/quote.js';
import { appFunction, type AppUserTarget } from './app-user.js';

/**
 * The remote step journal. A mutating step runs on the target detached from
 * the SSH session (setsid, no pty, all three streams redirected: FIELD-NOTES),
 * writing its output, pid and exit status into its own directory, keyed by
 * deployment, step and attempt. The status file appears atomically (temp file
 * + rename), so "rc exists" means the step finished and rc is its status.
 * After a lost connection or a crash, the journal says how the step ended.
 *
 * An attempt directory holds `script.sh`, `nonce` (the attempt's marker
 * nonce, steps/facts.ts), `pid`, `out` (everything the script printed, its
 * facts, then the runner's exit marker) and `rc`. On a hardened host the
 * directory is the app user's (app-user.ts): every file is written and read
 * through `app`, mode 0600, while the script itself runs as the operator,
 * whose own sudo rights its root actions need.
 *
 * The launch and follow commands start with READ_NONCE: the caller sends a
 * fresh nonce on standard input (execute.ts).
 */
export const journalDir = (
  deployments: string,
  deploymentId: string,
  stepId: string,
  attempt: number,
) => `${deployments}/${deploymentId}/journal/${stepId}-${attempt}`;

/**
 * How long the runner waits for the last output to reach `out` before it
 * records the end (5 s), in polls of 10 ms: the writer usually ends within
 * a few ms, and every step waited for the first poll (0.1 s each, once).
 */
const DRAIN_POLLS = 500;

/**
 * How often the follower's `tail` reads `out` and asks whether the runner is
 * gone. It notices the runner's end only at a poll, and each journaled step
 * waited for it: 0.2 s cost up to 0.2 s a step; 5 ms costs no measurable CPU
 * (a `kill -0`, a `stat` and a `read` a poll: 0.00 s user and system in 2 s)
 * and ~5 ms a step less than 10 ms did. It polls rather than watching
 * the file with inotify (GNU tail's `---disable-inotify`, there since
 * coreutils 7.5, like `--pid`): output is seen at the same poll, and a
 * tail that watched took 8–13 ms more to exit (the kernel tears its inotify
 * instance down on close), on every journaled step.
 */
const FOLLOW_POLL_SECONDS = 0.005;

/**
 * The runner's first call as the app user (`$1`: the attempt directory, the
 * runner's pid on standard input): records the pid, then prints the script.
 * The pid comes before the script can start: the launcher's record came
 * after the fork, so a launcher killed in between left a running step with
 * no pid, read as `absent` ("never started") and re-run by resume — 2.3
 * applied twice (test/integration/crash-resume). "No pid" means the script
 * never started.
 */
const START = 'cat > "$1/pid.run" && mv -f -- "$1/pid.run" "$1/pid" && cat -- "$1/script.sh"';

/**
 * The runner's last call as the app user (the nonce and the status on
 * standard input, never on a command line): the exit marker, which a
 * follower sees at once (tail notices the runner's end only at its next
 * poll, FOLLOW_POLL_SECONDS), then `rc`, atomically.
 */
const END = [
  'read -r n rc',
  'printf "CVD-EXIT:%s %s\\n" "$n" "$rc" >> "$1/out"',
  'echo "$rc" > "$1/rc.tmp" && mv -f -- "$1/rc.tmp" "$1/rc"',
].join('\n');

/**
 * The detached runner on a hardened host (`$1`: the attempt directory; the
 * attempt's nonce in `$CVD_NONCE`, its environment, which only the operator
 * can read).
 *
 * The script comes from the app user's copy (`$0` names the file, so a crash
 * hook sees which step it is; the text is on the launcher's command line
 * anyway); an unreadable copy would run as an empty script that "succeeds",
 * hence the check. Output goes to
 * `out` through a process substitution the runner does not wait for
 * indefinitely: a daemon the step starts may keep the pipe open forever.
 * Each call as the app user is a process (on a hardened host a sudo) on the
 * way of every journaled step: one before the script, one after, one writer.
 */
const appRunner = (target: AppUserTarget) =>
  [
    appFunction(target),
    `s=$(echo $$ | app bash -c ${sh`${START}`} cvd-start "$1") && [ -n "$s" ] || exit 97`,
    'exec 4> >(app tee -a "$1/out" >/dev/null); w=$!',
    // 4>&-: the script's stdout and stderr are the pipe already; fd 4 itself, inherited, would
    // keep the pipe open in every daemon a step starts (cvdctl redirects only 0-2), and the
    // runner would wait out the drain on each service start.
    'bash -c "$s" "$1/script.sh" </dev/null >&4 2>&4 4>&-; rc=$?',
    'exec 4>&-',
    `for ((i = 0; i < ${DRAIN_POLLS}; i++)); do kill -0 "$w" 2>/dev/null || break; sleep 0.01; done`,
    `printf '%s %s\\n' "$CVD_NONCE" "$rc" | app bash -c ${sh`${END}`} cvd-end "$1"`,
  ].join('\n');

/**
 * The detached runner where the operator owns the journal (no sudo: the
 * demo). The same files in the same order as `appRunner`, written by the
 * runner's own shell under umask 077 (the script keeps the operator's): the
 * pid before the script starts, the script's output appended to `out`
 * directly (a file, so a daemon the step starts holds nothing open that
 * anyone waits for), then the exit marker, then `rc`, atomically. Three
 * processes besides the script's (the HUP-proof runner, two renames), where
 * the calls through `app`, `tee` and the drain made ten.
 */
const directRunner = [
  '[ -s "$1/script.sh" ] && (umask 077 && echo $$ > "$1/pid.run") && mv -f -- "$1/pid.run" "$1/pid" || exit 97',
  'bash "$1/script.sh" </dev/null >> "$1/out" 2>&1; rc=$?',
  `(umask 077 && printf 'CVD-EXIT:%s %s\\n' "$CVD_NONCE" "$rc" >> "$1/out" && echo "$rc" > "$1/rc.tmp") && mv -f -- "$1/rc.tmp" "$1/rc"`,
].join('\n');

const runner = (target: AppUserTarget) => (target.useSudo ? appRunner(target) : directRunner);

/** Sets `$n` and `$p`, the nonce and pid of an attempt this command did not launch (`$d`). */
const READ_ATTEMPT = 'n=$(app cat "$d/nonce" 2>/dev/null); p=$(app cat "$d/pid" 2>/dev/null)';

/**
 * Follows the step's output until its process (`$p`) is gone. First it
 * vouches for the attempt's nonce (`$n`) with this command's own
 * (`CVD-NONCE`), so a follower that did not start the attempt (resume,
 * another jump host) can read it.
 */
const follow = [
  `printf 'CVD-NONCE:%s %s\\n' "$CVD_NONCE" "$n"`,
  // tail --pid ends once the step's process is gone, after a last read of the file (GNU tail
  // treats another user's pid, EPERM, as alive). When the caller gives up (a timeout kills this
  // shell with TERM), tail must go too: left behind, it held the local transport's pipe open and
  // cvd-tui could not exit until the step ended (test/integration/crash-resume, "outlives its
  // timeout"). Hence & + wait + trap.
  `app tail ---disable-inotify -n +1 -s ${FOLLOW_POLL_SECONDS} --pid="$p" -f "$d/out" 2>/dev/null & t=$!`,
  `trap 'kill "$t" 2>/dev/null; exit 143' TERM HUP`,
  'wait "$t"; trap - TERM HUP',
].join('\n');

/**
 * Starts the step (only if this attempt never started: a repeated launch of
 * the same attempt just follows it) and follows it to the end. Making the
 * attempt's directory is the claim: `mkdir` fails for the second launcher.
 * The app user writes the nonce (from this command's standard input) and the
 * script in one sudo (`appClaim`; without sudo the launcher's own shell,
 * `directClaim`); the runner gets the nonce in its environment. The
 * runner records its own pid (`$!`: setsid, nohup and bash exec each other),
 * and the launcher knows the nonce: it follows without reading either back.
 */
export function launchAndFollow(target: AppUserTarget, dir: string, script: string): string {
  return [
    READ_NONCE,
    appFunction(target),
    sh`d=${dir}`,
    target.useSudo ? appClaim(script) : directClaim(script),
    'if [ "$claim" = new ]; then',
    `  CVD_NONCE="$CVD_NONCE" setsid nohup bash -c ${sh`${runner(target)}`} cvd-step "$d" </dev/null >/dev/null 2>&1 &`,
    '  n=$CVD_NONCE p=$!',
    `else ${READ_ATTEMPT}`,
    'fi',
    follow,
  ].join('\n');
}

/** Sets `$claim` (`new` or `started`) as the app user, in one call; exits 97 when the journal cannot be written. */
function appClaim(script: string): string {
  const claim = [
    'd=$1; mkdir -p -- "${d%/*}" || exit 97',
    'mkdir -- "$d" 2>/dev/null || { echo started; exit 0; }',
    'IFS= read -r n; printf "%s\\n" "$n" > "$d/nonce" && cat > "$d/script.sh" && : > "$d/out" && echo new',
  ].join('\n');
  return sh`claim=$({ printf '%s\n' "$CVD_NONCE"; printf '%s\n' ${script}; } | app bash -c ${claim} cvd-journal "$d") || exit 97`;
}

/**
 * `appClaim` where the operator owns the journal: the same directory and
 * files, mode 0700/0600, written by the launcher's own shell (a process for
 * `mkdir` alone, and for the deployment's journal directory once).
 */
function directClaim(script: string): string {
  return [
    '[ -d "${d%/*}" ] || (umask 077 && mkdir -p -- "${d%/*}") || exit 97',
    sh`(umask 077 && { mkdir -- "$d" 2>/dev/null || exit 3; } && printf '%s\n' "$CVD_NONCE" > "$d/nonce" && printf '%s\n' ${script} > "$d/script.sh" && : > "$d/out")`,
    'case $? in 0) claim=new ;; 3) claim=started ;; *) exit 97 ;; esac',
  ].join('\n');
}

/** Follows an attempt that an earlier run (or another jump host) started. */
export const reattach = (target: AppUserTarget, dir: string): string =>
  [READ_NONCE, appFunction(target), sh`d=${dir}`, READ_ATTEMPT, follow].join('\n');

/**
 * `ranMs`: how long a finished step ran on the target, from its script's
 * write to its status's (both the target's clock); absent when the target's
 * `date` cannot say.
 */
export type JournalState =
  | { kind: 'finished'; code: number; ranMs?: number }
  | { kind: 'running' }
  | { kind: 'died' }
  | { kind: 'absent' };

/**
 * The files are read as the app user; whether the runner lives is asked as
 * the operator, who started it (`kill -0` on another user's process fails;
 * `ps` sees it unless /proc hides it). A runner gone between the two reads
 * has written rc first: read it again before calling the step dead.
 *
 * A finished step also says how long it ran: a step that ended while
 * cvd-tui was dead (kill -9) must not be timed until the resume that found
 * it. `script.sh` is written once, as the attempt starts; `rc` as it ends.
 */
export function statusCommand(target: AppUserTarget, dir: string): string {
  const read = [
    'd=$1',
    // Milliseconds, or nothing (a date without -r or %N; a clock set back): never a word parseStatus refuses.
    'ran() { s=$(date -r "$d/script.sh" +%s%3N 2>/dev/null) && e=$(date -r "$d/rc" +%s%3N 2>/dev/null) || return 0',
    '  case "$s$e" in "" | *[!0-9]*) return 0 ;; esac',
    '  [ -n "$s" ] && [ -n "$e" ] && [ "$e" -ge "$s" ] && echo " $((e - s))"; return 0; }',
    'if [ -f "$d/rc" ]; then echo "finished $(cat -- "$d/rc")$(ran)"',
    'elif [ -f "$d/pid" ]; then echo "pid $(cat -- "$d/pid")"',
    'else echo absent; fi',
  ].join('\n');
  return [
    appFunction(target),
    sh`d=${dir}`,
    sh`s=$(app bash -c ${read} cvd-status "$d")`,
    'case "$s" in',
    '  "pid "*) p=${s#pid }',
    '    if kill -0 "$p" 2>/dev/null || ps -p "$p" >/dev/null 2>&1; then echo running',
    '    elif r=$(app cat "$d/rc" 2>/dev/null); then echo "finished $r"',
    '    else echo died; fi ;;',
    '  *) echo "$s" ;;',
    'esac',
  ].join('\n');
}

export function parseStatus(output: string): JournalState | undefined {
  const line = output.trim().split('\n').pop() ?? '';
  const finished = /^finished (\d+)(?: (\d+))?$/.exec(line);
  if (finished)
    return finished[2] === undefined
      ? { kind: 'finished', code: Number(finished[1]) }
      : { kind: 'finished', code: Number(finished[1]), ranMs: Number(finished[2]) };
  if (line === 'running' || line === 'died' || line === 'absent') return { kind: line };
  return undefined;
}

/** An attempt directory's files, as `attemptCommand` reads them (absent file: undefined). */
export interface AttemptFiles {
  nonce?: string;
  rc?: string;
  out: string;
}

/**
 * What a journaled attempt says: its facts and exit code (both only from
 * markers with the attempt's own nonce; `rc` when the runner wrote it) and
 * its output as the operator sees it. `exitCode` undefined: the attempt has
 * not ended, or died without a status. Exported for `cvd-tui recover`, which
 * reads `<deployments>/<id>/journal/<step>-<attempt>/` with `attemptCommand`.
 */
export function readAttempt(files: AttemptFiles): Marked {
  const nonce = files.nonce?.trim();
  const marked = readMarked(files.out.replace(/\n$/, ''), isNonce(nonce) ? nonce : undefined);
  const rc = files.rc?.trim() ?? '';
  return /^\d+$/.test(rc) ? { ...marked, exitCode: Number(rc) } : marked;
}

/**
 * Prints an attempt's files for `parseAttemptFiles`, as the app user: the
 * nonce line, the rc line (each empty when the file is absent), then `out`.
 * Exits non-zero when there is no `out` to read.
 */
export function attemptCommand(target: AppUserTarget, dir: string): string {
  const read = [
    'd=$1',
    'printf "%s\\n%s\\n" "$(cat -- "$d/nonce" 2>/dev/null | head -n 1)" "$(cat -- "$d/rc" 2>/dev/null | head -n 1)"',
    'cat -- "$d/out"',
  ].join('\n');
  return [appFunction(target), sh`app bash -c ${read} cvd-read ${dir}`].join('\n');
}

export function parseAttemptFiles(printed: string): AttemptFiles {
  const [nonce = '', rc = '', ...out] = printed.split('\n');
  return { nonce: nonce || undefined, rc: rc || undefined, out: out.join('\n') };
}
