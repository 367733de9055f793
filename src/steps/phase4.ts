import { sh } from '../transport/quote.js';
import { resourceFacts } from './phase1.js';
import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import { answers200, verdict } from './verify.js';
import { endpoint } from './urls.js';

/**
 * 4.1 counts errors in the last 100 lines of error.log. The runbook's
 * background `tail -f` (killed in 5.2 through a TAIL_PID that no longer exists
 * by then) is not reproduced: the TUI's Logs pane follows error.log live.
 */
export const monitorLogs: StepDef = {
  id: '4.1',
  phase: '4',
  title: 'Monitor Application Logs',
  mutates: [],
  rerunSafe: true,
  script: ({ target }) => {
    const t = targetShell(target);
    const log = `${target.paths.logs}/error.log`;
    return t.script(
      'echo "=== Monitoring Application Logs ==="',
      'echo "Checking for errors in last 100 log entries..."',
      `recent=$(${t.asRoot(sh`tail -n 100 -- ${log} 2>/dev/null`)} || true)`,
      'printf "%s\\n" "$recent" | grep -i error || echo "No errors found"',
      'fact errorCount "$(printf "%s\\n" "$recent" | grep -ci error || true)"',
    );
  },
  verify: (result) => {
    const errors = Number(result.facts.errorCount ?? 0);
    return verdict(result, `${errors} error lines in the last 100 log entries`, [], errors > 0 ? [`${errors} error lines in error.log`] : []);
  },
};

export const RESPONSE_SAMPLES = 5;

export const performanceBaseline: StepDef = {
  id: '4.2',
  phase: '4',
  title: 'Performance Baseline Check',
  mutates: [],
  rerunSafe: true,
  script: ({ target }) => {
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
      ...resourceFacts(target.paths.app),
      `fact userCount "$(${t.asApp(sh`sqlite3 ${target.paths.database} 'SELECT COUNT(*) FROM users;'`)} 2>&1 | head -n 1)"`,
    );
  },
  verify: (result, { target }) => {
    const times = (result.facts.responseSeconds ?? '').split(' ').filter(Boolean).map(Number);
    const slowest = Math.max(...times) * 1000;
    return verdict(result, `slowest of ${times.length} responses ${Math.round(slowest)} ms`, [
      () => (times.length === RESPONSE_SAMPLES ? undefined : 'response times were not measured'),
      () => (slowest < target.thresholds.maxResponseMs ? undefined : `a response took ${Math.round(slowest)} ms (limit ${target.thresholds.maxResponseMs} ms)`),
    ]);
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
  script: ({ target }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== User Acceptance Testing ==="',
      ...UAT_PAGES.map(([key, path]) => `fact ${key} "$(http_code ${t.curlTls} ${sh`${endpoint(target.publicUrl, path)}`})"`),
    );
  },
  verify: (result, { target }) =>
    verdict(
      result,
      'main page, PWA manifest and service worker accessible',
      UAT_PAGES.map(([key, path]) => answers200(key, endpoint(target.publicUrl, path))),
    ),
};
