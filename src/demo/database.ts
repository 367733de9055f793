import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqlite } from '../state/sqlite.js';
import { ASSETS, type DemoLayout } from './layout.js';

/** Local date as YYYYmmdd, the way a nightly cron job names its file. */
function day(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

/**
 * Creates data/cvd.db from schema.sql and a fresh nightly backup of it, so the
 * checklist's "backup within 2 hours" check passes on a new demo.
 * Returns the backup's file name.
 */
export async function createDatabase(layout: DemoLayout): Promise<string> {
  const schema = await readFile(join(ASSETS, 'schema.sql'), 'utf8');
  const db = openSqlite(layout.database);
  try {
    // DELETE, not WAL: the runbook backs up and restores the database by
    // copying one file, so no -wal file may hold committed data.
    db.pragma('journal_mode = DELETE');
    db.exec(schema);
    const name = `nightly_${day(new Date())}.db`;
    await db.backup(join(layout.backups, name));
    return name;
  } finally {
    db.close();
  }
}
