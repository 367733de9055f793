import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { StateStore } from '../../src/state/store.js';
import { MIGRATIONS } from '../../src/state/schema.js';

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'cvd-state-')), 'sub', 'state.db');
const newDeployment = (store: StateStore, id = 'd1') =>
  store.createDeployment({
    id,
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: 1000,
  });

describe('StateStore', () => {
  it('creates the database 0600 in a 0700 directory, WAL with synchronous=FULL, schema migrated', () => {
    const path = tempPath();
    const store = StateStore.open(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    store.close();
  });

  it('refuses a database from a newer cvd-tui instead of guessing at its schema', () => {
    const path = tempPath();
    StateStore.open(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => StateStore.open(path)).toThrow(/newer cvd-tui/);
  });

  it('records an attempt as running before it runs, visible to another connection (write-ahead)', () => {
    const path = tempPath();
    const store = StateStore.open(path);
    newDeployment(store);
    const attempt = store.beginAttempt('d1', '2.2', 'git checkout', 'alice', 'step started');
    // A second process (here: connection) sees the transition without the first closing.
    const other = StateStore.open(path);
    expect(other.attempts('d1')).toMatchObject([
      { stepId: '2.2', attempt, status: 'running', command: 'git checkout' },
    ]);
    store.finishAttempt('d1', '2.2', attempt, { status: 'failed', exitCode: 1, summary: 'boom' });
    expect(store.beginAttempt('d1', '2.2', 'git checkout', 'alice', 'retried')).toBe(2);
    expect(other.attempts('d1').map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'running'],
    ]);
    expect(other.events('d1').map((e) => e.type)).toEqual([
      'started',
      'step started',
      'step failed',
      'retried',
    ]);
    other.close();
    store.close();
  });

  it('keeps output in order across batches and replaces it from the journal', () => {
    const store = StateStore.open(tempPath());
    newDeployment(store);
    store.beginAttempt('d1', '1.1', 'x', 'alice', 'step started');
    store.appendOutput('d1', '1.1', 1, ['a', 'b']);
    store.appendOutput('d1', '1.1', 1, ['c']);
    expect(store.output('d1', '1.1', 1)).toBe('a\nb\nc');
    store.replaceOutput('d1', '1.1', 1, ['whole', 'copy']);
    expect(store.output('d1', '1.1', 1)).toBe('whole\ncopy');
    store.close();
  });

  it('skips with a reason, keeps facts, and finds the unfinished deployment of a target', () => {
    const store = StateStore.open(tempPath());
    newDeployment(store, 'old');
    store.setStatus('old', 'succeeded', 'alice');
    newDeployment(store, 'new');
    store.skip('new', '4.3', 'PWA checked by hand', 'bob');
    expect(store.attempts('new')).toMatchObject([
      { stepId: '4.3', status: 'skipped', reason: 'PWA checked by hand', by: 'bob' },
    ]);
    store.recordFacts('new', '1.3', { previousCommit: 'abc', dbBackup: '/b.db' });
    store.recordFacts('new', '2.3', { migrationStarted: 'v1.0.1' });
    expect(store.facts('new')).toEqual({
      previousCommit: 'abc',
      dbBackup: '/b.db',
      migrationStarted: 'v1.0.1',
    });
    expect(store.latestUnfinished('prod')?.id).toBe('new');
    expect(store.latestUnfinished('staging')).toBeUndefined();
    store.setStatus('new', 'abandoned', 'bob', 'change window closed');
    expect(store.latestUnfinished('prod')).toBeUndefined();
    expect(store.deployment('new')?.finishedAt).not.toBeNull();
    store.close();
  });

  it('prepares each statement once: a repeated read or write prepares nothing new', () => {
    const store = StateStore.open(tempPath());
    newDeployment(store);
    const attempt = store.beginAttempt('d1', '1.1', 'true', 'alice', 'step started');
    const work = () => {
      store.appendOutput('d1', '1.1', attempt, ['a line']);
      store.recordFacts('d1', '1.1', { previousCommit: 'abc' });
      return [
        store.deployment('d1'),
        store.latest('prod'),
        store.attempts('d1'),
        store.output('d1', '1.1', attempt),
        store.facts('d1'),
        store.checklist('d1'),
        store.issues('d1'),
      ];
    };
    const first = work();
    const prepare = vi.spyOn(store.db, 'prepare');
    const again = work();
    expect(prepare).not.toHaveBeenCalled();
    expect(again[0]).toEqual(first[0]);
    expect(again[3]).toBe('a line\na line');
    store.close();
  });
});
