import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

let addon: string | undefined;

/**
 * Opens a SQLite database with better-sqlite3, its compiled addon named by
 * path. Left to itself, better-sqlite3 finds the addon with the `bindings`
 * package, which works out the package's folder from a stack trace: inside
 * cvd-tui's single-file build that would be the build's folder, not
 * better-sqlite3's. Naming it lets the build bundle better-sqlite3's
 * JavaScript, which Node otherwise loaded file by file before the first frame.
 */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  addon ??= createRequire(import.meta.url).resolve(
    'better-sqlite3/build/Release/better_sqlite3.node',
  );
  return new Database(file, { ...options, nativeBinding: addon });
}
