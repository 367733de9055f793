import type { Key } from 'ink';
import { describe, expect, it, vi } from 'vitest';
import { keyBarText } from '../../src/screens/components/KeyBar.js';
import { activeBindings, dispatchBinding, type Binding } from '../../src/screens/app/bindings.js';
import { windowOf } from '../../src/screens/components/line-window.js';
import { phaseLayout } from '../../src/screens/phase-layout.js';
import { commandBody } from '../../src/screens/components/command-text.js';
import { actionOf } from '../../src/screens/app/keys.js';
import { isErrorLine, LineStore } from '../../src/screens/stores/line-store.js';
import { LINE_MAX } from '../../src/util/text.js';
import { postTicksFrom, POST_TICKED, POST_UNTICKED } from '../../src/steps/post-checklist.js';
import { PRELUDE_END } from '../../src/steps/shell.js';
import { RingBuffer } from '../../src/screens/stores/ring.js';
import { initialState, reducer } from '../../src/screens/app/state.js';
import { keyActions, NO_KEY } from '../../src/screens/hooks/use-keys.js';

const key = (over: Partial<Key> = {}): Key => ({ ...NO_KEY, ...over });

describe('key map (DESIGN: Keys)', () => {
  it('maps every documented key to its intent', () => {
    expect(actionOf('', key({ upArrow: true }))).toBe('up');
    expect(actionOf('k', key())).toBe('up');
    expect(actionOf('', key({ downArrow: true }))).toBe('down');
    expect(actionOf('j', key())).toBe('down');
    expect(actionOf(' ', key())).toBe('tick');
    expect(actionOf('\r', key({ return: true }))).toBe('continue');
    expect(actionOf('A', key({ shift: true }))).toBe('runPhase');
    expect(actionOf('r', key())).toBe('retry');
    expect(actionOf('s', key())).toBe('skip');
    expect(actionOf('R', key({ shift: true }))).toBe('rollback');
    expect(actionOf('\t', key({ tab: true }))).toBe('focusNext');
    expect(actionOf('e', key())).toBe('export');
    expect(actionOf('?', key())).toBe('help');
    expect(actionOf('q', key())).toBe('quit');
    expect(actionOf('c', key({ ctrl: true }))).toBe('interrupt');
    expect(actionOf('a', key())).toBeUndefined();
    // The step view's attempts and the Logs pane's reading keys (issue 13).
    expect(actionOf('[', key())).toBe('previous');
    expect(actionOf('', key({ leftArrow: true }))).toBe('previous');
    expect(actionOf(']', key())).toBe('next');
    expect(actionOf('', key({ rightArrow: true }))).toBe('next');
    expect(actionOf('g', key())).toBe('top');
    expect(actionOf('G', key({ shift: true }))).toBe('bottom');
    expect(actionOf('w', key())).toBe('wrap');
    expect(actionOf('f', key())).toBe('follow');
    expect(actionOf('/', key())).toBe('search');
    expect(actionOf('l', key())).toBe('appLog');
  });

  it('splits a burst of plain keys into one action per key, but not escape sequences', () => {
    expect(keyActions('jj j', key())).toEqual(['down', 'down', 'tick', 'down']);
    expect(keyActions('\rA', key())).toEqual(['continue', 'runPhase']);
    expect(keyActions('Ry', key())).toEqual(['rollback', 'yes']);
    expect(keyActions('', key({ upArrow: true }))).toEqual(['up']);
  });
});

describe('reducer', () => {
  const start = { runningVersion: 'v1.0.0', runningCommit: 'abc', tags: [] };
  it('cycles the focus through Logs, Resources, Health and the step list', () => {
    let s = initialState(start, 'phase');
    const seen = [s.focus];
    for (let i = 0; i < 4; i++) seen.push((s = reducer(s, { type: 'focus-next' })).focus);
    expect(seen).toEqual(['logs', 'resources', 'health', 'steps', 'logs']);
  });
  it('starting work clears the notice; navigating closes an overlay', () => {
    let s = reducer(initialState(start), { type: 'notice', notice: { text: 'x', tone: 'info' } });
    s = reducer(s, { type: 'busy', what: 'running 1.1' });
    expect(s.notice).toBeUndefined();
    s = reducer(reducer(s, { type: 'overlay', overlay: { kind: 'help' } }), {
      type: 'navigate',
      stage: 'summary',
    });
    expect(s).toMatchObject({ stage: 'summary', overlay: undefined, busy: 'running 1.1' });
  });
});

describe('bounded, batched log lines', () => {
  it('a ring buffer keeps the newest items only', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
  });

  it('a flood of 100,000 lines in one second notifies about 4 times and keeps 2,000 lines', () => {
    vi.useFakeTimers();
    try {
      const store = new LineStore();
      let notified = 0;
      store.subscribe(() => notified++);
      for (let ms = 0; ms < 1000; ms++) {
        for (let i = 0; i < 100; i++) store.push(`line ${ms * 100 + i}`);
        vi.advanceTimersByTime(1);
      }
      vi.advanceTimersByTime(250);
      expect(notified).toBeGreaterThanOrEqual(4);
      expect(notified).toBeLessThanOrEqual(5);
      const { lines, total } = store.getSnapshot();
      expect(total).toBe(100_000);
      expect(lines).toHaveLength(2000);
      expect(lines.at(-1)!.text).toBe('line 99999');
    } finally {
      vi.useRealTimers();
    }
  });

  it('highlights error lines, shows control characters inert, cuts a flood of a line', () => {
    expect(isErrorLine('2026-01-01T00:00:00Z ERROR database check failed')).toBe(true);
    expect(isErrorLine('curl: (7) Failed to connect')).toBe(false);
    expect(isErrorLine('0 error lines in the last 100 log entries')).toBe(false);
    expect(isErrorLine('Error: no such table')).toBe(true);
    vi.useFakeTimers();
    const store = new LineStore();
    store.push('a\u001b[2Jb\tc');
    store.push('x'.repeat(5_000_000));
    store.flush();
    vi.useRealTimers();
    const [escaped, long] = store.getSnapshot().lines;
    expect(escaped!.text).toBe('a\\x1b[2Jb  c');
    expect(long!.text).toBe(
      `${'x'.repeat(LINE_MAX)}… [cut: ${5_000_000 - LINE_MAX} more characters]`,
    );
  });

  it('the Logs window follows the tail, or stays anchored on the line scrolled to', () => {
    const lines = Array.from({ length: 50 }, (_, i) => ({
      seq: i + 101,
      text: `l${i}`,
      source: 'step' as const,
      error: false,
      repeats: 1,
    }));
    expect(windowOf(lines, 5, null).shown.map((l) => l.seq)).toEqual([146, 147, 148, 149, 150]);
    expect(windowOf(lines, 5, 120)).toMatchObject({ above: 30 });
    expect(windowOf(lines, 5, 120).shown.map((l) => l.seq)).toEqual([116, 117, 118, 119, 120]);
    expect(windowOf(lines, 5, 101).shown.map((l) => l.seq)).toEqual([101, 102, 103, 104, 105]);
  });
});

describe('layout and text', () => {
  it('the phase screen fits 80×24 and grows with the terminal', () => {
    for (const [columns, rows] of [
      [80, 24],
      [100, 30],
      [160, 50],
    ] as const) {
      const l = phaseLayout(columns, rows);
      // Header, status strip, steps, current step, Logs, footer.
      expect(1 + 1 + l.topHeight + l.currentRows + l.logsHeight + 2).toBeLessThanOrEqual(rows - 1);
      expect(l.stepsWidth + l.sideWidth).toBe(columns);
      expect(l.logsHeight - 2).toBeGreaterThanOrEqual(rows > 24 ? 5 : 4);
    }
    expect(phaseLayout(160, 50).topHeight).toBe(24);
  });

  it('shows the step-specific part of a script, not the shared prelude', () => {
    const script = [
      'set -u -o pipefail',
      'fact() { :; }',
      'service_stopped() { case x in *) ;; esac; }',
      PRELUDE_END,
      'echo "=== Starting ==="',
      "git checkout -q 'v1.0.1'",
    ].join('\n');
    expect(commandBody(script)).toEqual(["git checkout -q 'v1.0.1'"]);
  });

  it('the key bar falls back to short labels, then keys only', () => {
    const bindings: Binding[] = [
      { keys: ['continue'], label: 'run 2.3 Database Migration', short: 'next', run: () => {} },
      { keys: ['quit'], label: 'quit', run: () => {} },
    ];
    expect(keyBarText(bindings, 80)).toBe('Enter run 2.3 Database Migration · q quit');
    expect(keyBarText(bindings, 20)).toBe('Enter next · q quit');
    expect(keyBarText(bindings, 18)).toBe('Enter next  q quit');
    const pane: Binding = { keys: ['focusNext'], label: 'pane', show: 'optional', run: () => {} };
    expect(keyBarText([...bindings, pane], 18)).toBe('Enter next  q quit');
    expect(keyBarText(bindings, 10)).toBe('Enter q');
  });

  it('the key bar and the handler use the same list: a disabled or help-only binding is not in the bar', () => {
    const runs: string[] = [];
    const bindings: Binding[] = [
      { keys: ['up', 'down'], keyText: '↑↓', label: 'move', run: (a) => void runs.push(a) },
      { keys: ['retry'], label: 'retry', enabled: false, run: () => void runs.push('retry') },
      { keys: ['pageUp'], label: 'page', show: 'help', run: () => void runs.push('pageUp') },
    ];
    expect(keyBarText(bindings, 80)).toBe('↑↓ move');
    expect(activeBindings(bindings).map((b) => b.label)).toEqual(['move', 'page']);
    expect(dispatchBinding(bindings, 'down')).toBe(true);
    expect(dispatchBinding(bindings, 'retry')).toBe(false);
    expect(dispatchBinding(bindings, 'pageUp')).toBe(true);
    expect(dispatchBinding(bindings, 'quit')).toBe(false);
    expect(runs).toEqual(['down', 'pageUp']);
  });

  it('replays post-deployment ticks: the last event per item wins', () => {
    const at = 0;
    const events = [
      { at, type: POST_TICKED, actor: 'a', detail: 'docs.1 Update version in documentation' },
      { at, type: POST_TICKED, actor: 'a', detail: 'comm.2 Update status page' },
      { at, type: POST_UNTICKED, actor: 'a', detail: 'docs.1 Update version in documentation' },
      { at, type: 'checklist ticked', actor: 'a', detail: 'auth.1' },
    ];
    expect(postTicksFrom(events)).toEqual({ 'docs.1': false, 'comm.2': true });
  });
});
