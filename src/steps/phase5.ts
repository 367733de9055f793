import { sh } from '../transport/quote.js';
import { targetShell } from './shell.js';
import type { LocalAction, StepDef } from './types.js';
import { healthStatus, present, verdict } from './verify.js';
import { endpoint } from './urls.js';
import { logWindowDir } from './phase4.js';

export const updateMonitoring = (notify: LocalAction): StepDef => ({
  id: '5.1',
  phase: '5',
  title: 'Update Monitoring',
  mutates: ['files'],
  rerunSafe: true,
  script: ({ target, version, deploymentId }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== Updating Monitoring Configuration ==="',
      `short=$(${t.inApp('git rev-parse --short HEAD')})`,
      `line="Deployment completed: Version ${'$short'} (${sh`${version}`}, ${sh`${deploymentId}`}) at $(date)"`,
      `printf '%s\\n' "$line" | ${t.asRoot(sh`tee -a -- ${target.paths.logs + '/deployments.log'} >/dev/null`)}`,
      'fact deployedShort "$short"',
      'echo "$line"',
    );
  },
  local: notify,
  verify: (result) =>
    verdict(result, 'deployment recorded', [
      present('deployedShort', 'could not read the deployed commit'),
    ]),
});

/**
 * 5.2 keeps this deployment's directory: it holds the step journal that
 * resume, rollback and the execution log read (the runbook deletes it).
 * Retention lists what it deletes, one file a line.
 */
export const cleanUp: StepDef = {
  id: '5.2',
  phase: '5',
  title: 'Clean Up Deployment Artifacts',
  mutates: ['files'],
  rerunSafe: true,
  script: ({ target }) => {
    const t = targetShell(target);
    const keep = target.keepBackups;
    const prune = (pattern: string) =>
      [
        `ls -1t -- ${pattern} 2>/dev/null | tail -n +${keep + 1} | while IFS= read -r old; do`,
        '  echo "Deleting old backup: $old"',
        `  ${t.rootPrefix}rm -f -- "$old"`,
        'done',
      ].join('\n');
    return t.script(
      'echo "=== Cleaning Up Deployment Artifacts ==="',
      sh`cd -- ${target.paths.backups} || exit 1`,
      prune('pre_deploy_*.db'),
      prune('app_backup_*.tar.gz'),
      `fact backupsKept "$(ls -1 -- pre_deploy_*.db 2>/dev/null | wc -l)"`,
      'echo "Cleanup completed"',
    );
  },
  verify: (result) =>
    verdict(result, `${result.facts.backupsKept ?? '?'} database backups kept`, []),
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
  timeoutSeconds: (target) => target.logWindowSeconds + 60,
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const window = logWindowDir(target.paths.deployments, deploymentId);
    return t.script(
      'echo "=== Final Verification ==="',
      sh`if [ -d ${window} ]; then`,
      `  echo "Waiting for the log window (4.1) to close"`,
      `  wait_for ${target.logWindowSeconds + 30} test -e ${sh`${window + '/done'}`} || echo "The log window did not close"`,
      `  fact windowErrors "$(cat -- ${sh`${window + '/count'}`} 2>/dev/null)"`,
      `  tail -n 20 -- ${sh`${window + '/errors'}`} 2>/dev/null`,
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
