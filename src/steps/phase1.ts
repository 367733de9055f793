import { sh } from '../transport/quote.js';
import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import { below, factIs, present, SHA, verdict } from './verify.js';

export const deploymentDir = (deployments: string, id: string) => `${deployments}/${id}`;

/** Shell lines that measure the app filesystem's and memory's use, as facts. */
export const resourceFacts = (appPath: string) => [
  sh`fact diskUsedPercent "$(df -P -- ${appPath} | awk 'NR==2 {sub("%", "", $5); print $5}')"`,
  `fact memoryUsedPercent "$(free | awk '/^Mem:/ {printf "%d", ($2 - $7) * 100 / $2}')"`,
  `fact load "$(cut -d ' ' -f 1-3 /proc/loadavg)"`,
];

export const environmentVerification: StepDef = {
  id: '1.1',
  phase: '1',
  title: 'Environment Verification',
  mutates: [],
  rerunSafe: true,
  script: ({ target }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== System Status Check ==="',
      'df -h; free -h; uptime',
      `${t.service('status')} || true`,
      ...resourceFacts(target.paths.app),
      'fact serviceState "$(service_state)"',
      ...(target.proxyService
        ? [
            `${t.service('status', target.proxyService)} || true`,
            `fact proxyState "$(${t.service('is-active', target.proxyService)})"`,
          ]
        : []),
    );
  },
  verify: (result, { target }) =>
    verdict(result, 'services running, disk and memory below the limits', [
      factIs('serviceState', 'active', `${target.serviceName} is not running`),
      ...(target.proxyService
        ? [factIs('proxyState', 'active', `${target.proxyService} is not running`)]
        : []),
      below(
        'diskUsedPercent',
        target.thresholds.maxDiskUsedPercent,
        'disk use of the app filesystem (%)',
      ),
      below('memoryUsedPercent', target.thresholds.maxMemoryUsedPercent, 'memory use (%)'),
    ]),
};

export const createDeploymentDirectory: StepDef = {
  id: '1.2',
  phase: '1',
  title: 'Create Deployment Directory',
  mutates: ['files'],
  rerunSafe: true,
  script: ({ target, deploymentId }) => {
    const dir = deploymentDir(target.paths.deployments, deploymentId);
    return targetShell(target).script(
      sh`mkdir -p -- ${dir} && test -w ${dir}`,
      sh`echo "Deployment directory: "${dir}`,
      sh`fact deploymentDir ${dir}`,
    );
  },
  verify: (result) =>
    verdict(result, 'deployment directory ready', [
      present('deploymentDir', 'the deployment directory is not writable'),
    ]),
};

/**
 * 1.3 records the facts every rollback needs (previous commit, backup paths)
 * as CVD-FACT lines: they reach the state store through the step's journal
 * even when the jump host dies, instead of living in shell variables.
 */
export const backupCurrentSystem: StepDef = {
  id: '1.3',
  phase: '1',
  title: 'Backup Current System',
  mutates: ['files'],
  rerunSafe: true,
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const { database, backups, app } = target.paths;
    const dbBackup = `${backups}/pre_deploy_${deploymentId}.db`;
    const appBackup = `${backups}/app_backup_${deploymentId}.tar.gz`;
    // Paths are validated to contain no quote, so single quotes are a safe
    // sqlite dot-command argument. Backing up to a temp name then renaming
    // means a crash never leaves a half-written file under the final name.
    return t.script(
      'echo "=== Creating Database Backup ==="',
      t.asApp(sh`sqlite3 ${database} ${`.backup '${dbBackup}.tmp'`}`) +
        sh` && mv -f -- ${dbBackup + '.tmp'} ${dbBackup}`,
      sh`fact dbBackup ${dbBackup}`,
      `fact backupIntegrity "$(${t.asApp(sh`sqlite3 ${dbBackup} 'PRAGMA integrity_check;'`)} | head -n 1)"`,
      'echo "=== Creating Application Backup ==="',
      t.asRoot(
        sh`tar -czf ${appBackup + '.tmp'} -C ${app} . && mv -f -- ${appBackup + '.tmp'} ${appBackup}`,
      ),
      sh`test -s ${appBackup} && fact appBackup ${appBackup}`,
      `current=$(${t.inApp('git rev-parse HEAD')})`,
      'fact previousCommit "$current"',
      `fact previousVersion "$(${t.inApp('git describe --tags --exact-match HEAD 2>/dev/null || git rev-parse --short HEAD')})"`,
      'echo "Current version: $current"',
      'echo "Backups completed successfully"',
    );
  },
  verify: (result) =>
    verdict(result, 'database and code backed up, previous version recorded', [
      factIs('backupIntegrity', 'ok', 'integrity check of the database backup'),
      present('appBackup', 'the application tarball was not written'),
      ({ facts }) =>
        SHA.test(facts.previousCommit ?? '') ? undefined : 'could not read the running commit',
    ]),
};
