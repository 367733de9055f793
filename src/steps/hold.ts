import type { TargetConfig } from '../config/types.js';
import { sh } from '../shell/quote.js';
import { serviceQueryFunctions, targetShell } from './shell.js';
import type { StepResult } from './types.js';
import type { Check } from './verify.js';

/**
 * How long a started service must stay active, with the same main PID,
 * before any step changes the target again (5.1; R.6: before it is called started).
 */
export const HOLD_SECONDS = 3;

/** Where the hold 3.1 opens keeps its watcher's PID and, once it ends, its verdict (`result`). */
export const holdDir = (deployments: string, deploymentId: string) =>
  `${deployments}/${deploymentId}/service-hold`;

/**
 * The hold, as 3.1 opens it. The runbook starts the service, sleeps 10 s and
 * asks `is-active` once; 3.1 used to poll the state for the hold's length
 * before 3.2 could begin. Now 3.1 starts a watcher (detached, as the app
 * user, beside the log window) that polls the state and the main PID every
 * 0.1 s for HOLD_SECONDS, while the read-only checks 3.2–4.3 run against the
 * started app. That is at least as strict as both: the same polls over the
 * same time (now timed by a `sleep`, not whole seconds), a restart that
 * `is-active` alone misses fails it too, each of 3.2–4.3 fails as soon as
 * the service left (`holdNotBroken`, naming the service), and no step that
 * changes the target again (5.1, 5.2: the record, the webhook, backup
 * retention) runs until it held (`holdGate`, `heldFor`): 5.1 waits for the
 * remainder. The verdict is a file on the target, so a cvd-tui killed
 * meanwhile finds it on resume; a watcher that died without one (a reboot)
 * or a skipped 3.1 makes 5.1 hold the service itself.
 *
 * Run by the operator's step script after it saw the service active, with
 * `$pid` set to its main PID (empty when the service manager cannot say).
 * The watcher writes its verdict only while the directory is still its own
 * (a re-run 3.1 opens a new one).
 */
export function openHold(target: TargetConfig, deploymentId: string): string {
  const dir = holdDir(target.paths.deployments, deploymentId);
  const watcher = [
    serviceQueryFunctions(target),
    'echo $$ > "$1/watcher" && exec 3<> "$1/ended.fifo" || exit 1',
    'v=$(hold_watch "$2" "$3")',
    '[ "$(cat -- "$1/watcher" 2>/dev/null)" = $$ ] && echo "$v" > "$1/result.tmp" && mv -f -- "$1/result.tmp" "$1/result"',
    'echo ended >&3',
  ].join('\n');
  const open = [
    sh`rm -rf -- ${dir} && mkdir -p -- ${dir} && mkfifo -- ${dir}/ended.fifo || exit 1`,
    `setsid nohup bash -c ${sh`${watcher}`} service-hold ${sh`${dir} ${String(HOLD_SECONDS)}`} "$1" </dev/null >/dev/null 2>&1 &`,
  ].join('\n');
  return `${targetShell(target).asApp(open, '"$pid"')} || echo "Could not open the service hold: 5.1 holds the service itself"`;
}

/**
 * For 3.2–4.3: `fact serviceHold` with the hold's verdict so far: the
 * watcher's, `holding`, or nothing when 3.1 opened no hold. A service that
 * is not active while the hold runs has left it (`left STATE`), whether or
 * not the watcher's next poll has said so yet: a step that saw the app go
 * away then names the service, not only the endpoint that stopped answering.
 */
export function holdSoFar(target: TargetConfig, deploymentId: string): string {
  const dir = holdDir(target.paths.deployments, deploymentId);
  const read = [
    sh`d=${dir}`,
    '[ -d "$d" ] || exit 0',
    'cat -- "$d/result" 2>/dev/null || echo holding',
  ].join('\n');
  return [
    `hold=$(${targetShell(target).asApp(read)})`,
    '[ "$hold" != holding ] || service_is active || hold="left $(service_state)"',
    'fact serviceHold "$hold"',
  ].join('\n');
}

/**
 * For 5.1 and 5.2, before they change anything: waits for the verdict of
 * 3.1's hold while its watcher lives, records it (`fact serviceHold`) and
 * ends the step unless it is `held`. With no verdict to wait for (3.1
 * skipped or its watcher gone), holds the service for HOLD_SECONDS itself.
 */
export function holdGate(target: TargetConfig, deploymentId: string): string {
  const dir = holdDir(target.paths.deployments, deploymentId);
  // Until the watcher has ended, told at once through its FIFO (see the log window's WATCHER):
  // with a verdict, or gone without one. Open before looking, as 5.3 reads the log window.
  const read = [
    sh`d=${dir}`,
    '[ -d "$d" ] || exit 0',
    '[ -p "$d/ended.fifo" ] && exec 3<> "$d/ended.fifo"',
    'if [ ! -e "$d/result" ] && w=$(cat -- "$d/watcher" 2>/dev/null) && kill -0 "$w" 2>/dev/null; then',
    `  read -r -t ${HOLD_SECONDS + 30} -u 3 _`,
    'fi',
    'cat -- "$d/result" 2>/dev/null',
    'exit 0',
  ].join('\n');
  const { serviceName } = target;
  return [
    `hold=$(${targetShell(target).asApp(read)})`,
    'if [ -z "$hold" ]; then',
    `  echo "No verdict from a hold opened by 3.1: holding ${serviceName} for ${HOLD_SECONDS} s now"`,
    `  hold=$(service_is active && hold_watch ${HOLD_SECONDS} "$(main_pid)" || echo "left $(service_state)")`,
    'fi',
    `echo "${serviceName} after its start: $hold"`,
    'fact serviceHold "$hold"',
    '[ "$hold" = held ] || exit 1',
  ].join('\n');
}

/** What a hold verdict other than `held` means, or undefined for `held`, `holding` or none. */
function broken(target: TargetConfig, verdict: string | undefined): string | undefined {
  if (!verdict || verdict === 'held' || verdict === 'holding') return undefined;
  const [kind, word] = verdict.split(' ');
  const why =
    kind === 'left'
      ? `it is ${word ?? 'unknown'}`
      : kind === 'restarted'
        ? word && word !== 'none'
          ? `its main PID changed (now ${word}): it restarted`
          : 'its main process ended'
        : verdict;
  return `${target.serviceName} did not stay active for ${HOLD_SECONDS} s after it started: ${why}`;
}

/** 3.2–4.3: fails once the hold 3.1 opened has seen the service leave (a step may not pass over a dead service). */
export const holdNotBroken =
  (target: TargetConfig): Check =>
  ({ facts }: StepResult) =>
    broken(target, facts.serviceHold);

/** 5.1, 5.2 and R.6: the service held, with the same main PID, for HOLD_SECONDS. */
export const heldFor =
  (target: TargetConfig): Check =>
  ({ facts }: StepResult) =>
    facts.serviceHold === 'held'
      ? undefined
      : (broken(target, facts.serviceHold) ??
        `${target.serviceName} was not seen active for ${HOLD_SECONDS} s after it started`);
