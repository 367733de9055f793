import type { TargetConfig } from '../config/types.js';
import { sh, shq } from '../shell/quote.js';
import { FACT_FUNCTION } from './facts.js';
import { asApp, asRoot, rootArgv, type RootAction } from './privilege.js';

/**
 * `wait_for SECONDS COMMAND…` polls a condition until a deadline. It replaces
 * the runbook's fixed sleeps: a fast service is not waited on and a slow one
 * is not declared dead too early. A text of its own so that scripts run as
 * the app user (which see none of the prelude) can define it too. It polls
 * every 0.1 s: each wait (2.1's stop, 3.1's start, 3.2's first 200, 5.3's
 * log window) ends that soon after its condition holds, not up to 0.5 s late.
 */
export const WAIT_FOR = String.raw`wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}`;

/**
 * Script lines run as one background job beside what follows, for a
 * read-only script's independent looks: a `wait` later collects them. Their
 * facts are each one short line, written whole, so lines of jobs running
 * side by side never mix.
 */
export const alongside = (...lines: string[]): string => `{\n${lines.join('\n')}\n} &`;

/**
 * Starts the line `sudo_run` prints when sudo itself refused a command of
 * ours; the verdict turns it into the step's summary. Only the stderr of our
 * own sudo commands is watched, so text from the app (its log, an HTTP body)
 * can at worst imitate a refusal and fail a step, never make one pass.
 */
export const SUDO_REFUSED = 'CVD-SUDO-REFUSED ';

/**
 * `sudo_run WHAT COMMAND…` runs a sudo command, its stdout untouched, its
 * stderr passed through line by line; a line that is sudo's own refusal
 * (`sudo: a password is required`, `Sorry, user … is not allowed …`) is
 * repeated after SUDO_REFUSED with WHAT, the permission that was missing.
 * Its status is the command's.
 */
const SUDO_RUN = String.raw`sudo_run() {
  local what=$1; shift
  { "$@" 2>&1 >&3 3>&- | sudo_watch "$what" >&2; } 3>&1
}
sudo_watch() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line"
    case $line in
      'sudo: '* | 'Sorry, user '*) printf '${SUDO_REFUSED}%s: %s\n' "$1" "$line" ;;
    esac
  done
}`;

/** `fail MESSAGE` ends the step: the message is its summary (fact `failure`) and the status 1. */
const FAIL = String.raw`fail() { echo "✗ $1"; fact failure "$1"; exit 1; }`;

/**
 * Shell functions every step script starts with. `http_code` and curl calls
 * carry `--max-time`, and everything else that could hang (a service query,
 * a TLS handshake, a fetch) runs under `timeout`: a stuck command fails its
 * step instead of holding it until the step's own deadline.
 */
const PRELUDE = [
  String.raw`set -u -o pipefail
${FACT_FUNCTION}
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }`,
  WAIT_FOR,
  FAIL,
].join('\n');

/** Ends the shared prelude of every step script: what follows is the step's own work. */
export const PRELUDE_END = '# --- step ---';

/** A step script split into the shared prelude and the step's own lines. */
export function splitScript(script: string): { prelude: string[]; body: string[] } {
  const lines = script.split('\n');
  const end = lines.indexOf(PRELUDE_END);
  return end < 0
    ? { prelude: [], body: lines }
    : { prelude: lines.slice(0, end), body: lines.slice(end + 1) };
}

/** How long a read-only query of the service manager may take (`status`, `is-active`). */
export const QUERY_SECONDS = 15;

/**
 * Builds the commands of one target: who runs what, its service manager, its
 * URLs. Root is reachable only through `root(action)`, which is privilege.ts's
 * `asRoot`: no step can build a root command of its own.
 */
export function targetShell(target: TargetConfig) {
  /** Through `sudo_run` when sudo is in play, so its refusal reaches the verdict. */
  const guarded = (what: string, command: string) =>
    target.useSudo ? `sudo_run ${shq(what)} ${command}` : command;
  const app = (command: string, ...args: string[]) =>
    guarded(`run commands as ${target.appUser}`, asApp(target, command, ...args));
  /** A read-only query of the service manager, bounded: a hung `status` must not hold a step. */
  const service = (query: 'status' | 'is-active', unit = target.serviceName) =>
    `timeout ${QUERY_SECONDS} ` + sh`${target.serviceCtl} ${query} ${unit}`;
  const curlTls = target.caFile ? sh`--cacert ${target.caFile}` : '';
  return {
    /** A command (with optional `$1`… words) run as the app user in its own shell. */
    asApp: app,
    /** One of privilege.ts's root actions, bounded by `seconds`. */
    root: (action: RootAction, seconds: number) =>
      guarded(
        `${rootArgv(target, action).join(' ')} as root`,
        `timeout ${seconds} ${asRoot(target, action)}`,
      ),
    service,
    /**
     * Runs as the app user inside the app directory. The `cd` happens in the
     * app user's shell: the operator cannot enter a 0750 app directory.
     */
    inApp: (command: string, ...args: string[]) =>
      app(sh`cd -- ${target.paths.app} || exit 1` + `\n${command}`, ...args),
    /** `curl` options for the public HTTPS address (the demo trusts its own CA). */
    curlTls,
    script: (...lines: string[]) =>
      [
        PRELUDE,
        ...(target.useSudo ? [SUDO_RUN] : []),
        serviceQueryFunctions(target),
        'service_is() { [ "$(service_state)" = "$1" ]; }',
        // These two keep the state they read in `$seen`: what the wait for them ended on is known
        // without asking the service manager again (a `timeout` and a query on every service step).
        'service_stopped() { seen=$(service_state); case "$seen" in inactive|failed) return 0;; *) return 1;; esac; }',
        // Not on its way somewhere (activating, deactivating, reloading): active, failed, inactive, or unknown.
        'service_settled() { seen=$(service_state); case "$seen" in activating|deactivating|reloading) return 1;; *) return 0;; esac; }',
        PRELUDE_END,
        ...lines,
      ].join('\n'),
  };
}

export type TargetShell = ReturnType<typeof targetShell>;

/**
 * `service_state` prints the service's state (`systemctl is-active`, which
 * exits non-zero unless active: the word is kept, the status dropped);
 * `main_pid` its main PID (`systemctl show -p MainPID --value`), or nothing
 * where the service manager cannot say; `hold_watch
 * SECONDS PID` prints `held` once the service has stayed active for at least
 * SECONDS (a `sleep` times it: bash's SECONDS counts whole seconds, and a
 * deadline on it ended a "3 s" hold after 2.0 to 3.0 s) with its main PID
 * still PID (when known), else as soon as it is not: `left STATE` or
 * `restarted PID` (`restarted none`: its main process ended while the
 * service still read active). It polls every 0.1 s. A text of its own, because the hold
 * 3.1 opens runs detached as the app user (hold.ts), which sees none of the
 * step script's functions.
 */
export function serviceQueryFunctions(target: TargetConfig): string {
  const query = (...words: string[]) =>
    `timeout ${QUERY_SECONDS} ${sh`${target.serviceCtl}`} ${words.join(' ')} ${sh`${target.serviceName}`}`;
  return [
    `service_state() { ${query('is-active')} 2>/dev/null || true; }`,
    `main_pid() { local p; p=$(${query('show', '-p', 'MainPID', '--value')} 2>/dev/null) || return 0`,
    '  case $p in "" | 0 | *[!0-9]*) ;; *) echo "$p" ;; esac; }',
    'hold_watch() {',
    '  local pid=$2 clock over s p',
    '  sleep "$1" & clock=$!',
    // A second clock whose pipe ends with the time: the pause between polls ends then too, where a
    // plain 0.1 s sleep made the verdict come 0.1–0.2 s after the time was up (3.14–3.19 s for 3 s).
    '  exec 8< <(exec sleep "$1" 2>/dev/null)',
    '  while :; do',
    // Whether the time is up is read before the state: the last state that counts was read at or after it.
    '    kill -0 "$clock" 2>/dev/null; over=$?',
    '    s=$(service_state)',
    '    [ "$s" = active ] || { kill "$clock" 2>/dev/null; echo "left ${s:-unknown}"; return; }',
    '    if [ -n "$pid" ]; then p=$(main_pid); if [ "$p" != "$pid" ]; then kill "$clock" 2>/dev/null',
    // A main process gone is most often the service leaving, its state not yet caught up: read once more.
    '      [ -n "$p" ] || { s=$(service_state); [ "$s" = active ] || { echo "left ${s:-unknown}"; return; }; }',
    '      echo "restarted ${p:-none}"; return; fi; fi',
    '    [ "$over" = 0 ] || { echo held; return; }',
    // Pauses 0.1 s, or less at the second clock's end (a read at end of file fails at once: a
    // 10 ms pause then, never a busy loop, also when there is no pipe to read).
    '    read -r -t 0.1 -u 8 _ 2>/dev/null; [ $? -gt 128 ] || sleep 0.01',
    '  done',
    '}',
  ].join('\n');
}
