import { sh, shq } from '../shell/quote.js';
import { resourceFacts } from './phase1.js';
import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import type { TargetConfig } from '../config/types.js';
import { factRow, outcomeRow } from './verification-rows.js';
import { answers200, present, verdict } from './verify.js';
import { endpoint } from './urls.js';
import { baselineOf, compareBaselines, describeDelta } from './baseline.js';
import { holdNotBroken, holdSoFar } from './hold.js';

/** Where 4.1's log window keeps its live error count and the errors it saw. */
export const logWindowDir = (deployments: string, deploymentId: string) =>
  `${deployments}/${deploymentId}/log-window`;

/**
 * How long past its `logWindowSeconds` a window still waits for 5.3 to close
 * it; a deployment paused before 5.3 leaves no watcher running for longer.
 */
const LINGER_SECONDS = 300;

/**
 * The log window's watcher (run as the app user, detached): counts error
 * lines appended to error.log from when it opens until `logWindowSeconds`
 * have passed and 5.3 has closed it (a line into `close.fifo`), then writes
 * `done` and a line into `done.fifo`. Each end holds its FIFO open from the
 * start, so a line written before the other side reads waits there. Each
 * hop now follows the one before it within 10 ms: 5.3 used to wait up to
 * 0.3 s for three 0.1 s polls in a row (a pid cannot be waited on instead:
 * the detached watcher's parent is gone, and a late-reaping init keeps its
 * zombie "alive"). Arguments: the window's directory, its least length in
 * seconds, the log.
 */
const WATCHER = [
  'n=0; echo 0 > "$1/count"; exec 4<> "$1/done.fifo"',
  // The keeper's life is the window's: tail stops soon after it exits.
  `{ exec 3<> "$1/close.fifo"; sleep "$2"; read -r -t ${LINGER_SECONDS} -u 3 _; } &`,
  // Polling (the journal follower's ---disable-inotify, journal.ts): a tail that watched with inotify
  // took 8–13 ms more to exit once the window closed, and 5.3 waits for it.
  'tail ---disable-inotify -n 0 -s 0.01 -F --pid=$! -- "$3" 2>/dev/null | grep --line-buffered -i error |',
  '  while IFS= read -r line; do n=$((n + 1)); printf "%s\\n" "$line" >> "$1/errors"; echo "$n" > "$1/count.tmp" && mv -f "$1/count.tmp" "$1/count"; done',
  'touch "$1/done"; echo done >&4',
].join('\n');

/**
 * Shell lines (for the app user) that open the log window afresh. 3.1 opens
 * it as soon as it has started the service, so that it runs while 3.1 holds
 * the service and 3.2…5.2 verify instead of after them; 4.1 opens it only
 * when no window is open (3.1 skipped, or a window already closed).
 */
export function openLogWindow(target: TargetConfig, deploymentId: string): string {
  const window = logWindowDir(target.paths.deployments, deploymentId);
  const log = `${target.paths.logs}/error.log`;
  return [
    sh`rm -rf -- ${window} && mkdir -p -- ${window} && mkfifo -- ${window}/close.fifo ${window}/done.fifo || exit 1`,
    `setsid nohup bash -c ${sh`${WATCHER}`} log-window ${sh`${window} ${String(target.logWindowSeconds)} ${log}`} </dev/null >/dev/null 2>&1 &`,
  ].join('\n');
}

/**
 * 4.1 counts errors in the last 100 lines of error.log and makes sure the
 * log window is open: a detached watcher on the target counts error lines
 * for at least `logWindowSeconds` and until 5.3 closes it, while the later
 * steps run (the runbook's `tail -f &`, whose TAIL_PID 5.2 could no longer
 * kill, ran in a shell that was gone). 5.3 reads the window's result.
 */
export const monitorLogs: StepDef = {
  id: '4.1',
  phase: '4',
  title: 'Monitor Application Logs',
  mutates: [],
  rerunSafe: true,
  verifies:
    'error lines in the last 100 log entries counted; the log window is open (opened by 3.1, else here)',
  effect: {},
  verification: [
    factRow(
      6,
      'No critical errors in logs',
      'errorCount',
      (v) => v === '0',
      (v) => `${v} error lines in the last 100 log entries`,
    ),
  ],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const log = `${target.paths.logs}/error.log`;
    const window = logWindowDir(target.paths.deployments, deploymentId);
    const keepOrOpen = [
      sh`if [ -d ${window} ] && [ ! -e ${window}/done ]; then`,
      '  echo "The log window is open since 3.1 started the service"; exit 0',
      'fi',
      openLogWindow(target, deploymentId),
      `echo "Watching error.log for at least ${target.logWindowSeconds} s while the deployment goes on"`,
    ].join('\n');
    return t.script(
      'echo "=== Monitoring Application Logs ==="',
      'echo "Checking for errors in last 100 log entries..."',
      // A log that does not exist yet has no errors; one that cannot be read is a failure, not "No errors found".
      `recent=$(${t.asApp(sh`[ ! -e ${log} ] || tail -n 100 -- ${log}`)}) || fail ${shq(`cannot read ${log} as ${target.appUser}`)}`,
      'printf "%s\\n" "$recent" | grep -i error || echo "No errors found"',
      'fact errorCount "$(printf "%s\\n" "$recent" | grep -ci error || true)"',
      // The watcher runs as the app user: it reads the app's log and writes in the app's tree.
      `${t.asApp(keepOrOpen)} || fail ${shq(`cannot open the log window in ${window}`)}`,
      sh`fact logWindow ${window}`,
      holdSoFar(target, deploymentId),
    );
  },
  verify: (result, { target }) => {
    const errors = Number(result.facts.errorCount ?? 0);
    return verdict(
      result,
      `${errors} error lines in the last 100 log entries; log window open`,
      [holdNotBroken(target), present('logWindow', 'the log window did not start')],
      errors > 0 ? [`${errors} error lines in error.log`] : [],
    );
  },
};

export const RESPONSE_SAMPLES = 5;

export const performanceBaseline: StepDef = {
  id: '4.2',
  phase: '4',
  title: 'Performance Baseline Check',
  mutates: [],
  rerunSafe: true,
  verifies:
    'responses under maxResponseMs; no regression beyond maxRegressionPercent vs the previous deployment',
  effect: {},
  verification: [outcomeRow(7, 'Performance within acceptable limits')],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const health = endpoint(target.appUrl, '/health');
    return t.script(
      'echo "=== Performance Baseline Check ==="',
      'times=""',
      `for i in $(seq 1 ${RESPONSE_SAMPLES}); do`,
      sh`  time=$(curl -s -w '%{time_total}' -o /dev/null --max-time 10 ${health} || echo 10)`,
      '  echo "Response time $i: ${time}s"',
      '  times="$times $time"',
      'done',
      'fact responseSeconds "${times# }"',
      ...resourceFacts(t, target.paths.app),
      `fact userCount "$(${t.asApp(sh`sqlite3 -readonly ${target.paths.database} 'SELECT COUNT(*) FROM users;' 2>&1 | head -n 1`)})"`,
      holdSoFar(target, deploymentId),
    );
  },
  verify: (result, { target, previousFacts }) => {
    const times = (result.facts.responseSeconds ?? '').split(' ').filter(Boolean).map(Number);
    const slowest = Math.max(...times) * 1000;
    const current = baselineOf(result.facts);
    const previous = previousFacts && baselineOf(previousFacts);
    const deltas =
      current && previous
        ? compareBaselines(current, previous, target.thresholds.maxRegressionPercent)
        : [];
    const regressions = deltas
      .filter((d) => d.regression)
      .map((d) => `regression against the previous deployment: ${describeDelta(d)}`);
    const comparison = previous
      ? `; vs previous deployment: ${deltas.map(describeDelta).join(', ')}`
      : '; no previous deployment to compare with';
    return verdict(
      result,
      `slowest of ${times.length} responses ${Math.round(slowest)} ms${comparison}`,
      [
        holdNotBroken(target),
        () => (times.length === RESPONSE_SAMPLES ? undefined : 'response times were not measured'),
        () =>
          slowest < target.thresholds.maxResponseMs
            ? undefined
            : `a response took ${Math.round(slowest)} ms (limit ${target.thresholds.maxResponseMs} ms)`,
      ],
      regressions,
    );
  },
};

const UAT_PAGES = [
  ['mainPageCode', '/'],
  ['manifestCode', '/manifest.json'],
  ['serviceWorkerCode', '/service-worker.js'],
] as const;

export const userAcceptance: StepDef = {
  id: '4.3',
  phase: '4',
  title: 'User Acceptance Testing',
  mutates: [],
  rerunSafe: true,
  verifies: 'main page, manifest.json and service-worker.js answer 200',
  effect: {},
  verification: [outcomeRow(8, 'PWA functionality working')],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== User Acceptance Testing ==="',
      ...UAT_PAGES.map(
        ([key, path]) =>
          `fact ${key} "$(http_code ${t.curlTls} ${sh`${endpoint(target.publicUrl, path)}`})"`,
      ),
      holdSoFar(target, deploymentId),
    );
  },
  verify: (result, { target }) =>
    verdict(result, 'main page, PWA manifest and service worker accessible', [
      holdNotBroken(target),
      ...UAT_PAGES.map(([key, path]) => answers200(key, endpoint(target.publicUrl, path))),
    ]),
};
