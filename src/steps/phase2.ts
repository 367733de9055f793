import { sh } from '../transport/quote.js';
import { serviceStep } from './service.js';
import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import { factIs, SHA, verdict } from './verify.js';

export const stopApplication = serviceStep('stop', {
  id: '2.1',
  phase: '2',
  title: 'Stop Application Services',
});

/**
 * 2.2 checks out `refs/tags/<version>`: the full ref name cannot be read as an
 * option or a branch, and the version was validated against a strict pattern
 * and the repository's tags before any step ran.
 */
export const updateApplicationCode: StepDef = {
  id: '2.2',
  phase: '2',
  title: 'Update Application Code',
  mutates: ['code'],
  rerunSafe: true,
  script: ({ target, version }) => {
    const t = targetShell(target);
    const ref = `refs/tags/${version}`;
    return t.script(
      'echo "=== Updating Application Code ==="',
      t.inApp('git fetch --tags origin'),
      sh`echo "Deploying version: "${version}`,
      `fact targetCommit "$(${t.inApp(sh`git rev-parse --verify -q ${ref + '^{commit}'}`)})"`,
      t.inApp(sh`git checkout -q --detach ${ref}`),
      `fact deployedCommit "$(${t.inApp('git rev-parse HEAD')})"`,
      'echo "Installing dependencies"',
      t.inApp(target.installCommand),
      'echo "Code update completed"',
    );
  },
  verify: (result, { version }) =>
    verdict(result, `${version} checked out`, [
      ({ facts }) =>
        SHA.test(facts.targetCommit ?? '') ? undefined : `tag ${version} not found after git fetch`,
      ({ facts }) =>
        facts.deployedCommit === facts.targetCommit
          ? undefined
          : `HEAD is ${facts.deployedCommit ?? 'unknown'}, not ${version}`,
    ]),
};

/**
 * 2.3 fixes two runbook bugs. Its quoted heredoc never received
 * TARGET_VERSION, so the runbook always printed "No migration required". And
 * it only runs the target version's own migration, so deploying v1.0.2 over
 * v1.0.0 would skip v1.0.1's: here every migration of every tag between the
 * running commit and the target is applied, oldest first, each in one
 * transaction so a failing statement leaves the database as it was.
 * `migrationStarted` is printed before sqlite3 runs, so a rollback knows the
 * database may have changed even if the step dies midway.
 */
export const migrateDatabase: StepDef = {
  id: '2.3',
  phase: '2',
  title: 'Database Migration',
  mutates: ['database'],
  rerunSafe: false,
  script: ({ target, version, facts }) => {
    const t = targetShell(target);
    const db = target.paths.database;
    const between = facts.previousCommit
      ? sh`git tag --merged ${'refs/tags/' + version} --no-merged ${facts.previousCommit} | sort -V`
      : sh`echo ${version}`;
    return t.script(
      'echo "=== Running Database Migrations ==="',
      `tags=$(${t.inApp(between)})`,
      'applied=""',
      'while IFS= read -r tag; do',
      '  [ -n "$tag" ] || continue',
      `  file=${sh`${target.paths.app}`}/migrations/migration_$tag.sql`,
      '  [ -f "$file" ] || continue',
      '  echo "Running migration for version $tag"',
      '  fact migrationStarted "$tag"',
      `  { printf '.bail on\\nBEGIN;\\n'; cat -- "$file"; printf '\\nCOMMIT;\\n'; } | ${t.asApp(sh`sqlite3 ${db}`)} || { echo "✗ migration $tag failed"; exit 1; }`,
      '  applied="$applied $tag"',
      '  fact migrationsApplied "${applied# }"',
      'done <<< "$tags"',
      '[ -n "$applied" ] || echo "No migration required for this version"',
      `fact integrity "$(${t.asApp(sh`sqlite3 ${db} 'PRAGMA integrity_check;'`)} | head -n 1)"`,
    );
  },
  verify: (result) =>
    verdict(
      result,
      result.facts.migrationsApplied
        ? `applied ${result.facts.migrationsApplied}`
        : 'no migration required',
      [
        ({ facts }) =>
          facts.migrationStarted &&
          !(facts.migrationsApplied ?? '').split(' ').includes(facts.migrationStarted)
            ? `migration ${facts.migrationStarted} failed and its transaction was rolled back` +
              (facts.migrationsApplied
                ? `; ${facts.migrationsApplied} stay applied`
                : '; the database is as it was')
            : undefined,
        factIs('integrity', 'ok', 'database integrity check'),
      ],
    ),
};

/**
 * 2.4 backs up `.env` and the unit file only when no backup of this
 * deployment exists yet: the runbook's unconditional copy, re-run after an
 * interruption, would overwrite the backup with the new file and make the
 * rollback restore the wrong configuration.
 */
export const updateConfiguration: StepDef = {
  id: '2.4',
  phase: '2',
  title: 'Update Configuration Files',
  mutates: ['config', 'service'],
  rerunSafe: true,
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const { config, backups } = target.paths;
    const env = `${config}/.env`;
    const envBackup = `${config}/.env.backup_${deploymentId}`;
    const unitBackup = `${backups}/cvd.service.backup_${deploymentId}`;
    return t.script(
      'echo "=== Updating Configuration ==="',
      sh`if [ -f ${env + '.new'} ]; then`,
      '  echo "New environment configuration found"',
      `  ${sh`[ -e ${envBackup} ]`} || ${t.asApp(sh`cp -p -- ${env} ${envBackup}`)} || exit 1`,
      sh`  fact envBackup ${envBackup}`,
      `  ${t.asApp(sh`cp -- ${env + '.new'} ${env}`)} || exit 1`,
      '  fact envChanged 1',
      '  echo "Configuration updated"',
      'else',
      '  echo "No configuration changes required"',
      'fi',
      sh`if [ -f ${config + '/cvd.service.new'} ]; then`,
      `  ${sh`[ -e ${unitBackup} ]`} || ${t.asRoot(sh`cp -p -- ${target.serviceUnitPath} ${unitBackup}`)} || exit 1`,
      sh`  fact unitBackup ${unitBackup}`,
      `  ${t.asRoot(sh`cp -- ${config + '/cvd.service.new'} ${target.serviceUnitPath}`)} || exit 1`,
      '  fact serviceUnitChanged 1',
      `  ${t.asRoot(t.service('daemon-reload', ''))} || exit 1`,
      '  echo "Systemd service updated"',
      'fi',
    );
  },
  verify: (result) =>
    verdict(result, 'configuration up to date', [
      ({ facts }) =>
        facts.envChanged && !facts.envBackup ? '.env replaced without a backup' : undefined,
    ]),
};
