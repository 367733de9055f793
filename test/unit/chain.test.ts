import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildExecutionLog } from '../../src/export/build.js';
import { readLog } from '../../src/export/check-log.js';
import { recordProblems } from '../../src/state/audit.js';
import { eventHash, type ChainedContent } from '../../src/state/chain.js';
import { StateStore } from '../../src/state/store.js';

const ID = '20261127_220000_ab12';
let dir: string;
let path: string;

/** A short deployment recorded through the real store: a failed step, its retry, a skip. */
function record(): void {
  const store = StateStore.open(path);
  store.createDeployment({
    id: ID,
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: Date.now(),
  });
  for (const status of ['failed', 'succeeded'] as const) {
    const attempt = store.beginAttempt(ID, '1.1', 'echo check', 'alice', 'step started');
    store.appendOutput(ID, '1.1', attempt, [`disk ${status}`]);
    store.finishAttempt(ID, '1.1', attempt, {
      status,
      exitCode: status === 'failed' ? 1 : 0,
      summary: status,
    });
  }
  store.skip(ID, '1.2', 'done by hand', 'alice');
  store.setStatus(ID, 'abandoned', 'alice');
  store.close();
}

/** Edits the state database behind cvd-tui's back, as someone with the file could. */
function tamper(sql: string): void {
  const raw = new Database(path);
  raw.exec(sql);
  raw.close();
}

function problems(): string[] {
  const store = StateStore.open(path);
  try {
    return recordProblems(store, ID);
  } finally {
    store.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cvd-chain-'));
  path = join(dir, 'state.db');
  record();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the state database record', () => {
  it('is intact as cvd-tui wrote it: every event chained, every ended attempt covered', () => {
    expect(problems()).toEqual([]);
    const store = StateStore.open(path);
    const events = store.events(ID);
    store.close();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.digest).map((e) => e.type)).toEqual([
      'step failed',
      'step succeeded',
      'skipped',
    ]);
  });

  it('names an event edited in place', () => {
    tamper(`UPDATE events SET detail = '1.1 attempt 1: fine' WHERE seq = 3`);
    expect(problems()).toEqual([
      expect.stringMatching(
        /^event #3 \(.* step failed — alice: 1\.1 attempt 1: fine\) was edited/,
      ),
    ]);
  });

  it('names an event edited and re-hashed by the event after it', () => {
    const raw = new Database(path);
    const e = raw.prepare('SELECT * FROM events WHERE seq = 3').get() as ChainedContent & {
      prev: string;
    };
    const forged = eventHash(ID, { ...e, detail: 'forged' }, e.prev);
    raw.prepare('UPDATE events SET detail = ?, hash = ? WHERE seq = 3').run('forged', forged);
    raw.close();
    expect(problems()).toEqual([
      expect.stringMatching(
        /^event #4 .* does not follow the event before it: event #3 .*forged\) was edited and re-hashed/,
      ),
    ]);
  });

  it('names a deleted event, in the middle and at the end', () => {
    tamper('DELETE FROM events WHERE seq = 2');
    expect(problems()).toEqual([
      expect.stringMatching(/^event #2 between event #1 .* and #3 was deleted$/),
    ]);
    tamper('DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)');
    expect(problems()).toContainEqual('event #7 at the end of the record was deleted');
  });

  it('names a step attempt whose output was edited after it ended', () => {
    tamper(`UPDATE output SET text = 'disk fine' WHERE step_id = '1.1' AND attempt = 1`);
    expect(problems()).toEqual([
      'step 1.1 attempt 1 (failed) differs from what was recorded when it ended: its output, command or result was edited',
    ]);
  });
});

describe('an exported JSON log', () => {
  const exported = () => {
    const store = StateStore.open(path);
    const log = buildExecutionLog(store, ID);
    store.close();
    return log;
  };

  it('recomputes to the chain head it carries', () => {
    const log = exported();
    expect(log.chain).toEqual({ length: 7, head: log.events.at(-1)!.hash });
    expect(readLog(JSON.stringify(log))?.problems).toEqual([]);
  });

  it('names an attempt whose output was edited in the file', () => {
    const log = exported();
    log.steps[0]!.runs[0]!.output = 'disk fine';
    expect(readLog(JSON.stringify(log))?.problems).toEqual([
      'step 1.1 attempt 1 (failed) in the log differs from what the record holds',
    ]);
  });

  it('names an event removed from the file', () => {
    const log = exported();
    log.events.splice(3, 1);
    expect(readLog(JSON.stringify(log))?.problems).toEqual([
      expect.stringMatching(/^event #4 between event #3 .* and #5 was deleted$/),
    ]);
  });
});
