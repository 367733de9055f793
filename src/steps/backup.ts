import { sh, shq } from '../shell/quote.js';

/**
 * Backups, proven before anything depends on them. The runbook checked its
 * backup with `sqlite3 FILE 'PRAGMA integrity_check'`, which on a missing
 * FILE creates an empty database and prints `ok` (FIELD-NOTES): a rollback
 * then restored a 0-byte file over the live database. Here one shell function
 * decides what a database backup is, and 1.3, tech.1, the rollback (R.3) and
 * 5.2 all use it. These texts run as the app user (the backups are in its
 * 0750 tree), in their own shell: they print, they never record facts.
 */

/**
 * One SQL statement, written by the database itself, that prints every
 * table's row count as `name|count`, by name: table names are the database's
 * data, so they never pass through the shell.
 */
const COUNT_QUERY =
  `SELECT group_concat(q, ' UNION ALL ') FROM (SELECT 'SELECT ' || quote(name) || ', count(*) FROM "' ` +
  `|| replace(name, '"', '""') || '"' AS q FROM sqlite_master WHERE type = 'table' ORDER BY name)`;

/**
 * `table_rows FILE` prints FILE's row counts, opened read-only;
 * `rows_digest` turns such a listing into a short digest;
 * `verify_db_backup FILE [DIGEST]` prints the digest of FILE's row counts when
 * FILE is a complete backup: a non-empty file, opened read-only (`-readonly`
 * fails on a missing file, and a check must never create what it checks),
 * whose integrity check passes, with at least one table and, given DIGEST,
 * exactly the row counts recorded when it was taken. Otherwise it prints why
 * not and fails. `verify_tarball FILE` prints how many entries FILE lists.
 */
export const VERIFY_BACKUPS = [
  'set -o pipefail',
  `table_rows() { local query; query=$(sqlite3 -readonly "$1" ${shq(COUNT_QUERY)}) && { [ -z "$query" ] || sqlite3 -readonly "$1" "$query"; }; }`,
  String.raw`rows_digest() { printf '%s\n' "$1" | sha256sum | cut -c 1-16; }
verify_db_backup() {
  local f=$1 want=${'${2-}'} check rows
  [ -f "$f" ] || { echo "it does not exist"; return 1; }
  [ -s "$f" ] || { echo "it is empty (0 bytes)"; return 1; }
  check=$(sqlite3 -readonly "$f" 'PRAGMA integrity_check;' 2>&1 | head -n 1)
  [ "$check" = ok ] || { echo "its integrity check failed: ${'${check:-no answer}'}"; return 1; }
  rows=$(table_rows "$f") || { echo "its tables cannot be counted"; return 1; }
  [ -n "$rows" ] || { echo "it has no tables"; return 1; }
  rows=$(rows_digest "$rows")
  [ -z "$want" ] || [ "$rows" = "$want" ] ||
    { echo "its row counts are not those of the database it was taken from"; return 1; }
  echo "$rows"
}
verify_tarball() {
  local n
  n=$(tar -tzf "$1" | wc -l) && [ "$n" -gt 0 ] || { echo "it does not list as a tar.gz archive"; return 1; }
  echo "$n"
}`,
].join('\n');

/** Removes a failed backup's temporary files (SQLite may have left a journal beside it). */
const REMOVE_TMP = 'rm -f -- "$tmp" "$tmp-journal" "$tmp-wal" "$tmp-shm"';

/**
 * Backs `database` up to `backup` and prints the digest of its row counts;
 * on failure prints why, removes the temporary files, and fails. The copy and
 * the live row counts come from one read transaction, so they describe the
 * same snapshot while the app keeps writing. The copy is switched out of WAL
 * mode, so opening it read-only later leaves no -wal/-shm files beside it; it
 * is verified under a temporary name and renamed only once proven, so the
 * final name never holds a half-written or unproven backup.
 */
export function backupDatabaseScript(database: string, backup: string): string {
  return [
    VERIFY_BACKUPS,
    // A backup holds every row of production: readable by the app user's group at most.
    'umask 027',
    sh`db=${database}; tmp=${backup + '.tmp'}; out=${backup}`,
    REMOVE_TMP,
    `query=$(sqlite3 -readonly "$db" ${shq(COUNT_QUERY)}) && [ -n "$query" ] ||`,
    '  { echo "cannot list the tables of $db"; exit 1; }',
    // Paths are validated to contain no quote: single quotes are a safe dot-command argument.
    String.raw`if ! live=$(printf '.timeout 10000\nBEGIN;\n%s;\n.backup %s\nCOMMIT;\n' "$query" "'$tmp'" | sqlite3 -bail "$db") ||`,
    `  ! sqlite3 "$tmp" 'PRAGMA journal_mode=DELETE;' >/dev/null; then`,
    `  why="the backup could not be written (see above): is there room in ${'$(dirname -- "$out")'}?"`,
    'elif ! rows=$(verify_db_backup "$tmp" "$(rows_digest "$live")"); then why=$rows',
    'elif ! mv -f -- "$tmp" "$out"; then why="it could not be renamed to $out"',
    'else echo "$rows"; exit 0; fi',
    REMOVE_TMP,
    'echo "$why"; exit 1',
  ].join('\n');
}

/** Packs `app` into `tarball` (through a temporary name, listed before it is renamed) and prints its entry count. */
export function backupAppScript(app: string, tarball: string): string {
  return [
    VERIFY_BACKUPS,
    'umask 027',
    sh`tmp=${tarball + '.tmp'}; out=${tarball}`,
    sh`if ! tar -czf "$tmp" -C ${app} .; then`,
    `  why="the tarball could not be written (see above): is there room in ${'$(dirname -- "$out")'}?"`,
    'elif ! entries=$(verify_tarball "$tmp"); then why=$entries',
    'elif ! mv -f -- "$tmp" "$out"; then why="it could not be renamed to $out"',
    'else echo "$entries"; exit 0; fi',
    REMOVE_TMP,
    'echo "$why"; exit 1',
  ].join('\n');
}

/**
 * tech.1's evidence: the newest database backup in `backups` that verifies,
 * as `ok EPOCH PATH`, after a `bad NAME: WHY` line for each newer one that
 * does not. Temporary files (`*.db.tmp`) and the copies a rollback keeps of
 * the database it replaced (`pre_rollback_*`) are no backups of a good state.
 */
export function newestVerifiedBackupScript(backups: string): string {
  return [
    VERIFY_BACKUPS,
    sh`find ${backups} -maxdepth 1 -type f -name '*.db' ! -name 'pre_rollback_*' -printf '%T@ %p\n' |`,
    '  sort -rn | head -n 20 | while read -r stamp file; do',
    '    if why=$(verify_db_backup "$file"); then echo "ok ${stamp%.*} $file"; exit 0; fi',
    '    echo "bad ${file##*/}: $why"',
    '  done',
  ].join('\n');
}

/**
 * 5.2's retention: keeps the newest `keep` backups of each kind that verify
 * and deletes older ones. A backup that does not verify is never counted as
 * kept, and one newer than the kept ones is left in place for the operator
 * to look at rather than deleted on a check's word. Lists what it does on
 * stderr; prints `DATABASES TARBALLS`, the numbers kept.
 */
export function pruneBackupsScript(backups: string, keep: number): string {
  return [
    VERIFY_BACKUPS,
    'shopt -s nullglob',
    sh`cd -- ${backups} || exit 1`,
    'prune() {',
    `  local check=$1 kept=0 file why; shift`,
    '  [ "$#" -gt 0 ] || { echo 0; return 0; }',
    '  while IFS= read -r file; do',
    `    if [ "$kept" -ge ${keep} ]; then`,
    '      echo "Deleting old backup: $file" >&2; rm -f -- "$file" || return 1',
    '    elif why=$("$check" "$file"); then kept=$((kept + 1))',
    '    else echo "Not a valid backup, not counted, left in place: $file ($why)" >&2; fi',
    '  done < <(ls -1t -- "$@")',
    '  echo "$kept"',
    '}',
    'databases=$(prune verify_db_backup pre_deploy_*.db) && tarballs=$(prune verify_tarball app_backup_*.tar.gz) || exit 1',
    'echo "$databases $tarballs"',
  ].join('\n');
}
