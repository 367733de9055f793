import type { TargetConfig } from '../config/types.js';
import { sh, shq } from '../shell/quote.js';
import { unitStagingPath } from './privilege.js';
import { ROOT_SECONDS, serviceStep } from './service.js';
import { targetShell } from './shell.js';
import type { StepDef } from './types.js';
import { factRow } from './verification-rows.js';
import { factIs, SHA, verdict } from './verify.js';

export const stopApplication = serviceStep('stop', {
  id: '2.1',
  phase: '2',
  title: 'Stop Application Services',
  verifies: 'the service is no longer active',
  verification: [],
});

/** How long 2.2 waits for `git fetch` from the origin. */
const FETCH_SECONDS = 300;

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
  verifies: 'HEAD is the commit of the version tag',
  effect: { commit: (facts, tagCommit) => facts.deployedCommit ?? tagCommit },
  verification: [],
  script: ({ target, version }) => {
    const t = targetShell(target);
    const ref = `refs/tags/${version}`;
    return t.script(
      'echo "=== Updating Application Code ==="',
      // A failed fetch changes nothing by itself: the tag is looked up next, and a missing one stops the step.
      `${t.inApp(`timeout ${FETCH_SECONDS} git fetch --tags origin`)} || echo "warning: git fetch failed; using the tags already on the target"`,
      sh`echo "Deploying version: "${version}`,
      `target=$(${t.inApp(sh`git rev-parse --verify -q ${ref + '^{commit}'}`)}) || fail ${shq(`tag ${version} not found after git fetch`)}`,
      'fact targetCommit "$target"',
      `${t.inApp(sh`git checkout -q --detach ${ref}`)} || fail ${shq(`git checkout of ${version} failed`)}`,
      `fact deployedCommit "$(${t.inApp('git rev-parse HEAD')})"`,
      'echo "Installing dependencies"',
      // The runbook's heredoc ran on past a failing install; its exit status is the step's now.
      `${t.inApp(target.installCommand)} || fail "the install command failed (exit $?): see its output above"`,
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
  verifies: 'migrations between the running and the new version applied once; integrity_check ok',
  effect: {},
  verification: [
    factRow(
      3,
      'Database integrity verified',
      'integrity',
      (v) => v === 'ok',
      (v) => `integrity_check: ${v}`,
    ),
  ],
  script: ({ target, version, facts }) => {
    const t = targetShell(target);
    const db = target.paths.database;
    const between = facts.previousCommit
      ? tagsBetween(facts.previousCommit, `refs/tags/${version}`)
      : sh`echo ${version}`;
    // Run as the app user, `$1` the tag: its migration file (in the app's 0750 tree) inside one transaction.
    const migrate = [
      'set -o pipefail',
      sh`file=${target.paths.app}/migrations/migration_$1.sql`,
      String.raw`{ printf '.bail on\nBEGIN;\n'; cat -- "$file"; printf '\nCOMMIT;\n'; } | ` +
        sh`sqlite3 ${db}`,
    ].join('\n');
    return t.script(
      'echo "=== Running Database Migrations ==="',
      `tags=$(${t.inApp(withMigration(target, between))}) || fail "could not list the migrations to apply"`,
      'applied=""',
      'while IFS= read -r tag; do',
      '  [ -n "$tag" ] || continue',
      '  echo "Running migration for version $tag"',
      '  fact migrationStarted "$tag"',
      `  ${t.asApp(migrate, '"$tag"')} || { echo "✗ migration $tag failed"; exit 1; }`,
      '  applied="$applied $tag"',
      '  fact migrationsApplied "${applied# }"',
      'done <<< "$tags"',
      '[ -n "$applied" ] || echo "No migration required for this version"',
      `fact integrity "$(${t.asApp(sh`sqlite3 ${db} 'PRAGMA integrity_check;' | head -n 1`)})"`,
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
 * The tags 2.3 migrates for: those reachable from `to` and not from `from`
 * (two revisions), oldest first. Run as the app user in the app directory.
 */
export const tagsBetween = (from: string, to: string): string =>
  sh`git tag --merged ${to} --no-merged ${from} | sort -V`;

/**
 * Of the tags `between` prints, those that have a migration file, one a line:
 * in the checked-out tree (2.3, after 2.2's checkout), or in `tree`, a
 * revision (the change preview, before anything is checked out). As the app
 * user in the app directory: the operator cannot look into its 0750 tree.
 */
export function withMigration(target: TargetConfig, between: string, tree?: string): string {
  const exists =
    tree === undefined
      ? sh`[ -f ${target.paths.app}/migrations/migration_"$tag".sql ]`
      : `git cat-file -e ${shq(`${tree}:migrations/migration_`)}"$tag".sql 2>/dev/null`;
  return [
    'set -o pipefail',
    `${between} | while IFS= read -r tag; do`,
    `  if [ -n "$tag" ] && ${exists}; then printf '%s\\n' "$tag"; fi`,
    'done',
  ].join('\n');
}

/**
 * 2.4 backs up `.env` and the unit file only when no backup of this
 * deployment exists yet: the runbook's unconditional copy, re-run after an
 * interruption, would overwrite the backup with the new file and make the
 * rollback restore the wrong configuration. A new file identical to the one
 * in place changes nothing and is not reported as a change.
 *
 * The app user reads and copies everything (the config directory is its
 * 0750 tree; the unit file is world-readable): it backs the unit up and
 * stages `cvd.service.new` at the one path root installs from. Root only runs
 * `install-unit` and `daemon-reload` (privilege.ts), where the runbook used
 * `sudo cp`, which no command-restricted sudoers rule can allow safely.
 */
export const updateConfiguration: StepDef = {
  id: '2.4',
  phase: '2',
  title: 'Update Configuration Files',
  mutates: ['config', 'service'],
  rerunSafe: true,
  verifies: '.env and the unit file backed up before being replaced',
  effect: {},
  verification: [],
  script: ({ target, deploymentId }) => {
    const t = targetShell(target);
    const { config, backups } = target.paths;
    const [env, unit] = configInputs(target);
    const envBackup = `${config}/.env.backup_${deploymentId}`;
    const unitBackup = `${backups}/cvd.service.backup_${deploymentId}`;
    return t.script(
      'echo "=== Updating Configuration ==="',
      `env=$(${t.asApp(replaceIfNew(env.incoming, env.current, envBackup, env.current))}) || fail "could not update .env: $env"`,
      'case "$env" in',
      '  changed)',
      '    echo "New environment configuration found"',
      sh`    fact envBackup ${envBackup}`,
      '    fact envChanged 1',
      '    echo "Configuration updated" ;;',
      '  same) echo ".env.new is identical to .env: no configuration changes required" ;;',
      '  *) echo "No configuration changes required" ;;',
      'esac',
      `unit=$(${t.asApp(replaceIfNew(unit.incoming, unit.current, unitBackup, unitStagingPath(target)))}) || fail "could not stage the service unit: $unit"`,
      'if [ "$unit" = changed ]; then',
      sh`  fact unitBackup ${unitBackup}`,
      `  ${t.root('install-unit', ROOT_SECONDS)} || fail ${shq(`could not install the service unit at ${target.serviceUnitPath}`)}`,
      '  fact serviceUnitChanged 1',
      `  ${t.root('daemon-reload', ROOT_SECONDS)} || fail "daemon-reload failed"`,
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

/** A file 2.4 replaces when a new one waits beside it and differs from it. */
export interface ConfigInput {
  /** How the operator knows it: `.env`, `unit file`. */
  name: string;
  /** The new file an operator stages on the target. */
  incoming: string;
  /** The file in place. */
  current: string;
}

/** 2.4's inputs, in the order it installs them. */
export function configInputs(target: TargetConfig): [ConfigInput, ConfigInput] {
  const { config } = target.paths;
  return [
    { name: '.env', incoming: `${config}/.env.new`, current: `${config}/.env` },
    {
      name: 'unit file',
      incoming: `${config}/cvd.service.new`,
      current: target.serviceUnitPath,
    },
  ];
}

/**
 * As the app user: when `incoming` exists and differs from `current` (or this
 * deployment already backed `current` up: a re-run), backs `current` up once
 * and copies `incoming` to `destination`. Prints `changed`, `same` or `none`;
 * on failure, what failed.
 */
function replaceIfNew(
  incoming: string,
  current: string,
  backup: string,
  destination: string,
): string {
  return [
    sh`new=${incoming}; cur=${current}; bak=${backup}; dest=${destination}`,
    '[ -f "$new" ] || { echo none; exit 0; }',
    'if [ ! -e "$bak" ]; then',
    '  cmp -s -- "$new" "$cur" && { echo same; exit 0; }',
    '  cp -p -- "$cur" "$bak" || { echo "backup of $cur failed"; exit 1; }',
    'fi',
    'cp -- "$new" "$dest" || { echo "copy to $dest failed"; exit 1; }',
    'echo changed',
  ].join('\n');
}
