import { sh, shq } from '../shell/quote.js';
import { pruneBackupsScript } from './backup.js';
import { targetShell, WAIT_FOR } from './shell.js';
import type { LocalAction, StepDef } from './types.js';
import { healthStatus, present, verdict } from './verify.js';
import { endpoint } from './urls.js';
import { logWindowDir } from './phase4.js';
import { heldFor, holdGate } from './hold.js';

export const updateMonitoring = (notify: LocalAction): StepDef => ({
  id: '5.1',
  phase: '5',
  title: 'Update Monitoring',
  mutates: ['files'],
  rerunSafe: true,
  verifies:
    'the service held since 3.1 started it (waits for the rest); the deployment is recorded in logs/deployments.log; the webhook is told (non-critical)',
  effect: {},
  verification: [],
  script: ({ target, version, deploymentId }) => {
    const t = targetShell(target);
    const deploymentsLog = `${target.paths.logs}/deployments.log`;
    return t.script(
      'echo "=== Updating Monitoring Configuration ==="',
      holdGate(target, deploymentId),
      `short=$(${t.inApp('git rev-parse --short HEAD')}) || fail "could not read the deployed commit"`,
      `line="Deployment completed: Version ${'$short'} (${sh`${version}`}, ${sh`${deploymentId}`}) at $(date)"`,
      // Appended by the app user, who owns the logs (the runbook's `>>` ran as the operator).
      `${t.asApp(sh`printf '%s\\n' "$1" >> ${deploymentsLog}`, '"$line"')} || fail ${shq(`cannot append to ${deploymentsLog}`)}`,
      'fact deployedShort "$short"',
      'echo "$line"',
    );
  },
  local: notify,
  verify: (result, { target }) =>
    verdict(result, `${target.serviceName} held; deployment recorded`, [
      heldFor(target),
      present('deployedShort', 'could not read the deployed commit'),
    ]),
});

/**
 * 5.2 keeps this deployment's directory: it holds the step journal that
 * resume, rollback and the execution log read (the runbook deletes it).
 * Retention runs as the app user, keeps only backups that verify, and lists
 * what it deletes, one file a line (backup.ts).
 */
export const cleanUp: StepDef = {
  id: '5.2',
  phase: '5',
  title: 'Clean Up Deployment Artifacts',
  mutates: ['files'],
  rerunSafe: true,
  verifies: 'backups beyond keepBackups deleted, newest kept',
  effect: {},
  verification: [],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== Cleaning Up Deployment Artifacts ==="',
      // Passes at once after 5.1; holds the service itself when 5.1 was skipped.
      holdGate(target, deploymentId),
      `kept=$(${t.asApp(pruneBackupsScript(target.paths.backups, target.keepBackups))}) || fail "backup retention failed"`,
      'read -r databases tarballs <<< "$kept"',
      'echo "Kept $databases verified database backups and $tarballs verified app tarballs"',
      'fact backupsKept "$databases"',
      'echo "Cleanup completed"',
    );
  },
  verify: (result, { target }) =>
    verdict(result, `${result.facts.backupsKept ?? '?'} verified database backups kept`, [
      heldFor(target),
    ]),
};

/**
 * 5.3 reads the detailed health status directly; the runbook's summary
 * printed "SUCCESS" from a `$?` that belonged to the preceding `echo`.
 */
export const finalVerification: StepDef = {
  id: '5.3',
  phase: '5',
  title: 'Final Verification',
  mutates: [],
  rerunSafe: true,
  verifies: 'final /health/detailed healthy; no error lines during the log window',
  effect: {},
  verification: [],
  timeoutSeconds: (target) => target.logWindowSeconds + 60,
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const window = logWindowDir(target.paths.deployments, deploymentId);
    return t.script(
      'echo "=== Final Verification ==="',
      // As the app user: the window's files are in the app's tree.
      `window=$(${t.asApp(readWindow(window, target.logWindowSeconds + 30))}) || fail "could not read the log window (4.1)"`,
      'if [ -n "$window" ]; then',
      '  fact windowErrors "${window%%$\'\\n\'*}"',
      '  printf \'%s\\n\' "$window" | tail -n +2',
      'fi',
      `body=$(curl -s --max-time 10 ${t.curlTls} ${sh`${endpoint(target.publicUrl, '/health/detailed')}`} | tr -d '\\n')`,
      'echo "Detailed health: $body"',
      'fact finalHealth "$body"',
    );
  },
  verify: (result) =>
    verdict(
      result,
      `final health check passed, ${result.facts.windowErrors ?? 'no'} errors logged during the log window`,
      [
        ({ facts }) =>
          Number(facts.windowErrors ?? 0) > 0
            ? `${facts.windowErrors} error lines were logged during the log window (4.1): see error.log`
            : undefined,
        ({ facts }) => {
          const status = healthStatus(facts.finalHealth);
          return status === 'healthy'
            ? undefined
            : `final health check: status is ${status ?? 'unreadable'}, not healthy`;
        },
      ],
    ),
};

/**
 * As the app user: closes the log window (it ends once it has also run its
 * `logWindowSeconds`), waits for it to end, then prints its error count and,
 * after it, the last errors it saw. Prints nothing when there is no window
 * (3.1 and 4.1 skipped).
 */
function readWindow(window: string, seconds: number): string {
  return [
    WAIT_FOR,
    sh`w=${window}`,
    '[ -d "$w" ] || exit 0',
    // Open before looking for `done`: a watcher that ends after the look finds this reader there.
    // (`<>` never blocks on a FIFO.)
    '[ -p "$w/done.fifo" ] && exec 3<> "$w/done.fifo"',
    '[ -p "$w/close.fifo" ] && echo close 1<> "$w/close.fifo"',
    // What closes a window an older cvd-tui opened: its keeper polls for this file.
    'touch -- "$w/close"',
    'echo "Waiting for the log window (4.1) to close" >&2',
    'if [ -p "$w/done.fifo" ]; then',
    `  [ -e "$w/done" ] || read -r -t ${seconds} -u 3 _`,
    `else wait_for ${seconds} test -e "$w/done"; fi`,
    `[ -e "$w/done" ] || echo "The log window did not close" >&2`,
    'cat -- "$w/count" 2>/dev/null || echo',
    'tail -n 20 -- "$w/errors" 2>/dev/null',
    'exit 0',
  ].join('\n');
}
