import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';

/** `$XDG_STATE_HOME/cvd-tui/state.db`, or `~/.local/state/cvd-tui/state.db`. */
export function defaultStatePath(env = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'cvd-tui', 'state.db');
}

/**
 * Opens (creating 0600 in a 0700 directory) and migrates the state database.
 * WAL keeps readers and the writer apart; synchronous=FULL because a
 * deployment record that a power cut can roll back is worse than useless.
 */
export function openDatabase(path: string): Database.Database {
  const fresh = !existsSync(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  if (fresh) chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
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
