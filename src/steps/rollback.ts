import { sh, shq } from '../shell/quote.js';
import { VERIFY_BACKUPS } from './backup.js';
import { DESCRIBE_HEAD } from './phase1.js';
import { pollHealth } from './phase3.js';
import { unitStagingPath } from './privilege.js';
import { ROOT_SECONDS, serviceStep } from './service.js';
import { targetShell } from './shell.js';
import type { Facts, StepDef } from './types.js';
import { answeredRow, outcomeRow } from './verification-rows.js';
import { answers200, factIs, verdict } from './verify.js';
import { endpoint } from './urls.js';

/**
 * The Emergency Rollback, built from facts the deployment recorded in the
 * state store, not from shell variables that died with the deploying shell.
 */

/**
 * The runbook restores the database whenever a pre-deploy backup exists, even
 * when no migration ran, silently losing every write made since the backup.
 * Here it is restored only when a migration started, or the operator asked.
 */
export const databaseNeedsRestore = (facts: Facts): boolean =>
  Boolean(facts.dbBackup && (facts.migrationStarted || facts.forceDatabaseRestore));

/** Rollback is possible once 1.3 recorded what to go back to. */
export const canRollBack = (facts: Facts): boolean => Boolean(facts.previousCommit);

const nothingToDo = (message: string) => `echo ${sh`${message}`}; fact skipped 1`;

const restoreCode: StepDef = {
  id: 'R.2',
  phase: 'R',
  title: 'Restore previous code version',
  mutates: ['code'],
  rerunSafe: true,
  verifies: 'HEAD is the recorded previous commit',
  effect: { commit: (facts) => facts.previousCommit },
  verification: [outcomeRow(1, 'Previous code version restored')],
  script: ({ target, facts }) => {
    const t = targetShell(target);
    if (!facts.previousCommit)
      return t.script(nothingToDo('No previous commit recorded: code left as is'));
    return t.script(
      sh`echo "Checking out "${facts.previousCommit}`,
      `${t.inApp(sh`git checkout -q --detach ${facts.previousCommit}`)} || fail ${shq(`git checkout of ${facts.previousCommit} failed`)}`,
      `fact restoredCommit "$(${t.inApp('git rev-parse HEAD')})"`,
    );
  },
  verify: (result, { facts }) =>
    verdict(
      result,
      'previous code restored',
      result.facts.skipped
        ? []
        : [factIs('restoredCommit', facts.previousCommit ?? '', 'code restore')],
    ),
};

/**
 * `.restore` (not the runbook's `cp`) replaces the database through SQLite,
 * so a leftover -wal file cannot be replayed onto the restored copy. The
 * backup is proven first, as 1.3 proved it (backup.ts), down to the row
 * counts 1.3 recorded: the runbook restored a 0-byte file over the live
 * database. A backup that fails is refused and the live database kept. The
 * current database is kept beside the backups before it is replaced: writes
 * made since the backup are then recoverable by hand.
 */
const restoreDatabase: StepDef = {
  id: 'R.3',
  phase: 'R',
  title: 'Restore database if migration was performed',
  mutates: ['database'],
  rerunSafe: true,
  verifies: 'database restored only if a migration ran (or asked); integrity_check ok',
  effect: {},
  verification: [outcomeRow(2, 'Database restored if a migration ran (integrity verified)')],
  script: ({ target, facts, deploymentId }) => {
    const t = targetShell(target);
    if (!databaseNeedsRestore(facts))
      return t.script(
        nothingToDo(
          'No migration ran: database kept (restoring the backup would lose writes made since it)',
        ),
      );
    const db = target.paths.database;
    const keep = `${target.paths.backups}/pre_rollback_${deploymentId}.db`;
    const backup = facts.dbBackup!;
    const verify = `${VERIFY_BACKUPS}\nverify_db_backup "$1" "$2"`;
    return t.script(
      sh`echo "Verifying the backup "${backup}`,
      `why=$(${t.asApp(verify, shq(backup), shq(facts.dbBackupRows ?? ''))}) ||`,
      `  fail ${shq(`refusing to restore ${backup}: `)}"$why"${shq('; the live database is kept. Restore a verified backup by hand, or skip R.3 to keep the live database')}`,
      'echo "Backup verified"',
      'echo "WARNING: writes made since the pre-deploy backup are replaced; the current database is kept at:"',
      sh`echo ${keep}`,
      `${t.asApp(sh`[ -e ${keep} ] || sqlite3 ${db} ${`.backup '${keep}'`}`)} || fail ${shq(`could not keep the current database at ${keep}`)}`,
      sh`fact keptDatabase ${keep}`,
      'echo "Restoring database..."',
      `${t.asApp(sh`sqlite3 ${db} ${`.restore '${backup}'`}`)} || fail "the restore failed"`,
      `fact integrity "$(${t.asApp(sh`sqlite3 ${db} 'PRAGMA integrity_check;' | head -n 1`)})"`,
    );
  },
  verify: (result) =>
    verdict(
      result,
      result.facts.skipped ? 'database kept' : 'database restored',
      result.facts.skipped
        ? []
        : [factIs('integrity', 'ok', 'integrity check of the restored database')],
    ),
};

const restoreEnv: StepDef = {
  id: 'R.4',
  phase: 'R',
  title: 'Restore configuration if changed',
  mutates: ['config'],
  rerunSafe: true,
  verifies: '.env restored from its backup if 2.4 changed it',
  effect: {},
  verification: [outcomeRow(3, 'Configuration restored if changed')],
  script: ({ target, facts }) => {
    const t = targetShell(target);
    if (!facts.envBackup) return t.script(nothingToDo('.env was not changed'));
    return t.script(
      `${t.asApp(sh`cp -p -- ${facts.envBackup} ${target.paths.config + '/.env'}`)} || fail "could not restore .env"`,
      'echo "Configuration restored"',
    );
  },
  verify: (result) =>
    verdict(result, result.facts.skipped ? '.env unchanged' : '.env restored', []),
};

const restoreUnit: StepDef = {
  id: 'R.5',
  phase: 'R',
  title: 'Restore systemd service if changed',
  mutates: ['service'],
  rerunSafe: true,
  verifies: 'unit file restored from its backup if 2.4 changed it',
  effect: {},
  verification: [outcomeRow(4, 'Service unit restored if changed')],
  script: ({ target, facts }) => {
    const t = targetShell(target);
    if (!facts.unitBackup) return t.script(nothingToDo('The service unit was not changed'));
    // Staged by the app user at the one path root installs from, as 2.4 does.
    return t.script(
      `${t.asApp(sh`cp -- ${facts.unitBackup} ${unitStagingPath(target)}`)} || fail "could not stage the unit backup"`,
      `${t.root('install-unit', ROOT_SECONDS)} || fail ${shq(`could not install the unit at ${target.serviceUnitPath}`)}`,
      `${t.root('daemon-reload', ROOT_SECONDS)} || fail "daemon-reload failed"`,
      'echo "Service unit restored"',
    );
  },
  verify: (result) =>
    verdict(result, result.facts.skipped ? 'unit unchanged' : 'unit restored', []),
};

/** Polls instead of the runbook's `sleep 10`, and checks the database as well as /health. */
const verifyRollback: StepDef = {
  id: 'R.7',
  phase: 'R',
  title: 'Verify rollback',
  mutates: [],
  rerunSafe: true,
  verifies: '/health and /health/database answer 200',
  effect: {},
  // What the target is after the rollback; the deployment's own rows describe a version no longer running.
  verification: [
    answeredRow(6, 'Health endpoint responding (200 status)', 'healthCode', '/health'),
    answeredRow(
      7,
      'Database health endpoint responding (200 status)',
      'databaseHealthCode',
      '/health/database',
    ),
  ],
  timeoutSeconds: (target) => target.timeouts.healthSeconds + 60,
  script: ({ target }) => {
    const t = targetShell(target);
    return t.script(
      ...pollHealth(
        endpoint(target.appUrl, '/health'),
        target.timeouts.healthSeconds,
        'healthCode',
      ),
      sh`fact databaseHealthCode "$(http_code ${endpoint(target.appUrl, '/health/database')})"`,
      `fact runningCommit "$(${t.inApp('git rev-parse HEAD')})"`,
      // What the summary and the export name as serving now (export/outcome.ts).
      `fact runningVersion "$(${t.inApp(DESCRIBE_HEAD)})"`,
    );
  },
  verify: (result, { target }) =>
    verdict(result, 'application responding on the previous version', [
      answers200('healthCode', endpoint(target.appUrl, '/health')),
      answers200('databaseHealthCode', endpoint(target.appUrl, '/health/database')),
    ]),
};

export const ROLLBACK_STEPS: readonly StepDef[] = [
  serviceStep('stop', {
    id: 'R.1',
    phase: 'R',
    title: 'Stop current application',
    verifies: 'the service is no longer active',
    verification: [],
  }),
  restoreCode,
  restoreDatabase,
  restoreEnv,
  restoreUnit,
  serviceStep('start', {
    id: 'R.6',
    phase: 'R',
    title: 'Start application',
    verifies: 'the service becomes active',
    verification: [outcomeRow(5, 'Application service running')],
  }),
  verifyRollback,
];
