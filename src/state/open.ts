import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';
import { openSqlite } from './sqlite.js';
import { errorMessage } from '../util/error.js';
import { cli } from '../util/invocation.js';

/** `$XDG_STATE_HOME/cvd-tui/state.db`, or `~/.local/state/cvd-tui/state.db`. */
export function defaultStatePath(env = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'cvd-tui', 'state.db');
}

export interface OpenOptions {
  /**
   * For commands that only read (history, export, --plan): a state database
   * this user cannot write is opened read-only instead of refused, and one
   * that does not exist is read as empty (in memory) instead of created.
   */
  readOnlyOk?: boolean;
}

/** The state database cannot be used; the message names the file, the reason and what to do. Exit 2. */
export class StateUnusable extends Error {
  constructor(path: string, reason: string, advice: string) {
    super(`cannot use the state database ${path}: ${reason}.\n  ${advice}`);
    this.name = 'StateUnusable';
  }
}

/** Codes that mean "this user cannot write it" (SQLITE_READONLY_DIRECTORY, …). */
const notWritable = (code: string) => /^SQLITE_(READONLY|CANTOPEN)|^E(ACCES|PERM|ROFS)$/.test(code);

/**
 * Opens (creating 0600 in a 0700 directory) and migrates the state database.
 * WAL keeps readers and the writer apart; synchronous=FULL because a
 * deployment record that a power cut can roll back is worse than useless.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  // Reading creates nothing: no file, no directory.
  if (options.readOnlyOk && !existsSync(path)) return migrated(openSqlite(':memory:'));
  try {
    return openWritable(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (options.readOnlyOk && notWritable(code) && existsSync(path))
      return explained(path, () => openReadOnly(path));
    throw explain(path, error);
  }
}

function openWritable(path: string): Database.Database {
  const fresh = !existsSync(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = openSqlite(path);
  try {
    if (fresh) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (error) {
    db.close();
    throw error;
  }
  return migrated(db);
}

/** `db` with the store's settings and schema. */
function migrated(db: Database.Database): Database.Database {
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A state database this user may read but not write. SQLite cannot open a
 * WAL database read-only where it may not create its `-shm` file (a
 * read-only directory), so that case reads a private copy of the file and
 * its WAL, removed at exit: nothing ever writes the original.
 */
function openReadOnly(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = openSqlite(path, { readonly: true, fileMustExist: true });
    db.pragma('user_version');
  } catch {
    db = openCopy(path);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== MIGRATIONS.length)
      throw new StateUnusable(
        path,
        `it is read-only and its schema (${version}) is not this cvd-tui's (${MIGRATIONS.length})`,
        'open it once with write access, or use the cvd-tui that wrote it',
      );
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openCopy(path: string): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-tui-state-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
  return openSqlite(copy);
}

function explained<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw explain(path, error);
  }
}

/** What an open failure means for the operator: the file, the reason, what to do next. */
function explain(path: string, error: unknown): Error {
  if (error instanceof StateUnusable) return error;
  const code = (error as { code?: string }).code ?? '';
  const reason = errorMessage(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return new StateUnusable(
      path,
      `it is not a readable SQLite database (${reason}: truncated, or another file)`,
      'keep it for inspection, restore it from a backup, or point --state at another file; ' +
        `\`${cli('recover')}\` rebuilds an unfinished deployment from the target`,
    );
  if (notWritable(code))
    return new StateUnusable(
      path,
      `it cannot be written (${reason})`,
      'check the file and its directory belong to you and are writable, or point --state at another file',
    );
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENOENT')
    return new StateUnusable(path, reason, 'point --state at a file in a directory you own');
  return error instanceof Error ? error : new Error(reason);
}

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(
      `the state database is from a newer cvd-tui (schema ${current}); upgrade cvd-tui`,
    );
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
