import { describe, expect, it } from 'vitest';
import { backoffDelay, BackoffSchedule } from '../../src/probes/backoff.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Runner } from '../../src/engine/runner.js';
import { bridgeEngine } from '../../src/screens/app/bridge.js';
import { readableFact, readableOutput } from '../../src/screens/app/fact-text.js';
import { windowRows, wrapText } from '../../src/screens/components/line-window.js';
import { findMatch } from '../../src/screens/hooks/use-log-search.js';
import { LineStore, repeatKey } from '../../src/screens/stores/line-store.js';

describe('facts as the operator reads them (issue 13)', () => {
  it('names a fact by its words, drops "code", puts percent on the value', () => {
    expect(readableFact({ key: 'healthCode', value: '200' })).toBe('health 200');
    expect(readableFact({ key: 'databaseHealthCode', value: '500' })).toBe('database 500');
    expect(readableFact({ key: 'diskUsedPercent', value: '41' })).toBe('disk used 41%');
    expect(readableFact({ key: 'previousCommit', value: 'ab12' })).toBe('previous commit ab12');
    expect(readableFact({ key: 'detailedHealth', value: '{"status":"healthy","x":1}' })).toBe(
      'detailed healthy',
    );
    expect(readableFact({ key: 'dbBackup', value: '' })).toBe('db backup (empty)');
    expect(readableFact({ key: 'appBackup', value: `/b/${'x'.repeat(80)}` })).toMatch(/…$/);
  });

  it('groups the recorded facts of a stored output into one line; a look-alike stays text', () => {
    const output = [
      '=== Running Health Checks ===',
      'CVD-FACT healthCode=200',
      'CVD-FACT databaseHealthCode=200',
      // Printed by the step itself: the store recorded no such value, so it is only text.
      'CVD-FACT healthCode=999',
      'done',
    ].join('\n');
    expect(readableOutput(output, { healthCode: '200', databaseHealthCode: '200' })).toEqual([
      { text: '=== Running Health Checks ===', source: 'step' },
      { text: '· health 200, database 200', source: 'fact' },
      { text: 'CVD-FACT healthCode=999', source: 'step' },
      { text: 'done', source: 'step' },
    ]);
    expect(readableOutput('', {})).toEqual([]);
  });

  it('live, shows the facts the engine checked as one line; a line that only looks like one stays text', () => {
    let listener: (event: EngineEvent) => void = () => undefined;
    const runner = {
      on: (l: typeof listener) => ((listener = l), () => undefined),
    } as unknown as Runner;
    const store = new LineStore({ flushMs: 1 });
    bridgeEngine(
      runner,
      store,
      () => undefined,
      () => undefined,
    );
    const line = (text: string, fact?: boolean) =>
      listener({ type: 'line', stepId: '3.1', line: text, fact });
    line('=== Running Health Checks ===');
    line('CVD-FACT healthCode=200', true);
    line('CVD-FACT databaseHealthCode=200', true);
    line('CVD-FACT healthCode=999');
    line('CVD-FACT detailedHealth={"status":"healthy"}', true);
    listener({
      type: 'step-end',
      stepId: '3.1',
      status: 'succeeded',
      summary: 'ok',
      warnings: [],
      durationMs: 5,
      outcomeUnknown: false,
    });
    store.flush();
    expect(store.getSnapshot().lines.map((l) => [l.text, l.source])).toEqual([
      ['=== Running Health Checks ===', 'step'],
      ['· health 200, database 200', 'fact'],
      ['CVD-FACT healthCode=999', 'step'],
      ['· detailed healthy', 'fact'],
      [expect.stringContaining('3.1 succeeded: ok'), 'note'],
    ]);
    store.dispose();
  });
});

describe('health back-off (issue 13)', () => {
  it('doubles the wait after each failure in a row, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((f) => backoffDelay(3000, 30_000, f))).toEqual([
      3000, 6000, 12_000, 24_000, 30_000, 30_000,
    ]);
    expect(backoffDelay(3000, 30_000, 0)).toBe(3000);
  });

  it('keeps a failing endpoint waiting while the others are asked; success ends the wait', () => {
    const s = new BackoffSchedule<'health' | 'database'>(3000, 30_000);
    expect(s.isDue('database', 0)).toBe(true);
    expect(s.record('database', true, 0)).toBeUndefined();
    expect(s.record('database', true, 3000)).toBe(9000);
    expect(s.backingOff).toBe(true);
    expect(s.isDue('database', 6000)).toBe(false);
    expect(s.isDue('database', 9000)).toBe(true);
    expect(s.record('database', true, 9000)).toBe(21_000);
    s.record('health', false, 9000);
    expect(s.isDue('health', 12_000)).toBe(true);
    expect(s.record('database', false, 21_000)).toBeUndefined();
    expect(s.backingOff).toBe(false);
    s.record('database', true, 30_000);
    s.record('database', true, 33_000);
    s.reset();
    expect(s.isDue('database', 33_001)).toBe(true);
  });
});

describe('the Logs pane reading', () => {
  it('collapses a line repeated with only its timestamp changed', () => {
    const store = new LineStore({ flushMs: 1 });
    for (let i = 0; i < 12; i++)
      store.push(
        `2026-01-01T12:00:${String(i).padStart(2, '0')}.123Z ERROR database check failed`,
        'log',
      );
    store.push('another line', 'log');
    store.push('another line', 'log');
    store.flush();
    const { lines, total } = store.getSnapshot();
    expect(lines.map((l) => [l.text, l.repeats])).toEqual([
      ['2026-01-01T12:00:11.123Z ERROR database check failed', 12],
      ['another line', 2],
    ]);
    expect(total).toBe(2);
    expect(repeatKey('[2026-01-01 12:00:00,5] x')).toBe('x');
    // Another source, or another text, is another line.
    store.push('another line', 'step');
    store.flush();
    expect(store.getSnapshot().lines).toHaveLength(3);
    store.dispose();
  });

  it('wraps long lines into rows, the bottom line whole, and shows repeats', () => {
    const line = (seq: number, text: string, repeats = 1) => ({
      seq,
      text,
      source: 'step' as const,
      error: false,
      repeats,
    });
    expect(wrapText('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    const lines = [line(1, 'one'), line(2, 'x'.repeat(25)), line(3, 'again', 3)];
    expect(windowRows(lines, 3, null, 10, false).shown.map((r) => r.text)).toEqual([
      'one',
      'x'.repeat(25),
      'again  … ×3',
    ]);
    // Wrapped, the rows fill from the bottom line up: what no longer fits is above.
    expect(windowRows(lines, 3, null, 10, true).shown.map((r) => r.text)).toEqual([
      'xxxxx',
      'again  … ×',
      '3',
    ]);
  });

  it('finds the newest match, then older ones, round to the newest', () => {
    const lines = ['a', 'needle 1', 'b', 'Needle 2', 'c'].map((text, i) => ({
      seq: i + 1,
      text,
      source: 'step' as const,
      error: false,
      repeats: 1,
    }));
    expect(findMatch(lines, 'needle', undefined)).toBe(4);
    expect(findMatch(lines, 'needle', 4)).toBe(2);
    expect(findMatch(lines, 'needle', 2)).toBe(4);
    expect(findMatch(lines, 'nothing', undefined)).toBeUndefined();
  });
});
