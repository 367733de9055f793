import { df, diskUsedPercent, loadAverages, memoryUsedPercent } from '../shell/measure.js';
import { sh, shq } from '../shell/quote.js';
import { backupAppScript, backupDatabaseScript } from './backup.js';
import { targetShell, type TargetShell } from './shell.js';
import type { StepDef } from './types.js';
import { below, factIs, present, SHA, verdict } from './verify.js';

/** The checked-out version as a tag, or its short commit when HEAD is not a tag (run in the app tree). */
export const DESCRIBE_HEAD =
  'git describe --tags --exact-match HEAD 2>/dev/null || git rev-parse --short HEAD';

export const deploymentDir = (deployments: string, id: string) => `${deployments}/${id}`;

/**
 * Shell lines that measure the app filesystem's and memory's use, as facts.
 * `df` runs as the app user: the app's path may lie in a tree the operator
 * cannot enter.
 */
export const resourceFacts = (t: TargetShell, appPath: string) => [
  `fact diskUsedPercent "$(${diskUsedPercent(t.asApp(df(appPath)))})"`,
  `fact memoryUsedPercent "$(${memoryUsedPercent()})"`,
  `fact load "$(${loadAverages()})"`,
];

export const environmentVerification: StepDef = {
  id: '1.1',
  phase: '1',
  title: 'Environment Verification',
  mutates: [],
  rerunSafe: true,
  verifies: 'service (and proxy) active; disk and memory use below the limits',
  effect: {},
  verification: [],
  script: ({ target }) => {
    const t = targetShell(target);
    return t.script(
      'echo "=== System Status Check ==="',
      'df -h; free -h; uptime',
      `${t.service('status')} || true`,
      ...resourceFacts(t, target.paths.app),
      'fact serviceState "$(service_state)"',
      ...(target.proxyService
        ? [
            `${t.service('status', target.proxyService)} || true`,
            `fact proxyState "$(${t.service('is-active', target.proxyService)} 2>/dev/null)"`,
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
  verifies: 'the deployment directory exists and is writable',
  effect: {},
  verification: [],
  script: ({ target, deploymentId }) => {
    const dir = deploymentDir(target.paths.deployments, deploymentId);
    const t = targetShell(target);
    // The app user's: the journal and the log window live in it, in the app's tree.
    return t.script(
      `${t.asApp(sh`mkdir -p -- ${dir} && test -w ${dir}`)} || fail ${shq(`cannot create ${dir} as ${target.appUser}`)}`,
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
 * even when the jump host dies, instead of living in shell variables. Every
 * backup is made and proven as the app user (backup.ts); a backup that
 * fails leaves no temporary file, records no fact and ends the step before
 * its success line.
 */
export const backupCurrentSystem: StepDef = {
  id: '1.3',
  phase: '1',
  title: 'Backup Current System',
  mutates: ['files'],
  rerunSafe: true,
  verifies: 'database backup passes integrity_check; app tarball written; running commit recorded',
  effect: {},
  verification: [],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const { database, backups, app } = target.paths;
    const dbBackup = `${backups}/pre_deploy_${deploymentId}.db`;
    const appBackup = `${backups}/app_backup_${deploymentId}.tar.gz`;
    return t.script(
      'echo "=== Creating Database Backup ==="',
      `rows=$(${t.asApp(backupDatabaseScript(database, dbBackup))}) || fail "database backup failed: $rows"`,
      sh`fact dbBackup ${dbBackup}`,
      'fact dbBackupRows "$rows"',
      sh`echo "Database backup verified: "${dbBackup}" is non-empty, passes its integrity check and has the live database's row count in every table"`,
      'echo "=== Creating Application Backup ==="',
      `entries=$(${t.asApp(backupAppScript(app, appBackup))}) || fail "application backup failed: $entries"`,
      sh`fact appBackup ${appBackup}`,
      sh`echo "Application backup verified: "${appBackup}" lists $entries entries"`,
      `current=$(${t.inApp('git rev-parse HEAD')}) || fail "could not read the running commit"`,
      'fact previousCommit "$current"',
      `fact previousVersion "$(${t.inApp(DESCRIBE_HEAD)})"`,
      'echo "Current version: $current"',
      'echo "Backups completed successfully"',
    );
  },
  verify: (result) =>
    verdict(result, 'database and code backed up and verified, previous version recorded', [
      present('dbBackupRows', 'the database backup was not verified'),
      present('appBackup', 'the application tarball was not verified'),
      ({ facts }) =>
        SHA.test(facts.previousCommit ?? '') ? undefined : 'could not read the running commit',
    ]),
};
