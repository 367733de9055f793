import { useMemo, useRef, useState } from 'react';
import type { RunLog } from '../../export/runs.js';
import type { Binding } from '../app/bindings.js';
import type { TuiCore } from '../app/core.js';
import { readableOutput } from '../app/fact-text.js';
import type { StepRow } from '../app/state.js';
import { isErrorLine, type LinesSnapshot, type LogLine } from '../stores/line-store.js';
import { scrollBindings, useLogScroll, type LineSource, type LogScroll } from './use-log-scroll.js';

/** The step that matters now: running, else the next to run, else the last. */
export const stepInFocus = (steps: readonly StepRow[]): StepRow | undefined =>
  steps.find((s) => s.status === 'running') ??
  steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped') ??
  steps.at(-1);

export interface StepBrowser {
  /** The step the cursor is on in the step list. */
  selected: string | undefined;
  /** The step whose view is open, its attempts (oldest first) and the attempt shown (an index into them). */
  open: { stepId: string; runs: RunLog[]; shown: number } | undefined;
  /** The shown attempt's output, for the view's window and scrolling. */
  output: LineSource;
  scroll: LogScroll;
  wrap: boolean;
  move(delta: number): void;
  openSelected(): void;
  close(): void;
  /** `[`/`]`: the attempt before or after, clamped. */
  switchAttempt(delta: number): void;
  toggleWrap(): void;
}

const EMPTY: LinesSnapshot = { lines: [], total: 0, received: 0 };

/** A recorded output as lines: facts the store recorded made readable, error lines marked. */
function outputLines(run: RunLog | undefined, facts: Record<string, string>): LinesSnapshot {
  if (!run) return EMPTY;
  const lines = readableOutput(run.output, facts).map((l, i): LogLine => ({
    seq: i + 1,
    text: l.text,
    source: l.source,
    error: l.source === 'step' && isErrorLine(l.text),
    repeats: 1,
  }));
  return { lines, total: lines.length, received: lines.length };
}

/**
 * The step list's cursor and the step view it opens (lazygit-style): every
 * attempt of a step from the state store, its output, duration and exit
 * code. Re-read when the store changes (`steps`, synced after every
 * transition), so the view of a running step grows as it runs.
 */
export function useStepBrowser(core: TuiCore, steps: readonly StepRow[]): StepBrowser {
  const [chosen, setChosen] = useState<string>();
  // The cursor as moved by keys of the same burst, before a re-render (use-cursor.ts).
  const latest = useRef<string | undefined>(undefined);
  const [opened, setOpened] = useState<{ stepId: string; shown?: number }>();
  const [wrap, setWrap] = useState(true);
  const selected = chosen ?? stepInFocus(steps)?.id;
  const runs = useMemo(
    () => (opened ? core.stepRuns(opened.stepId) : []),
    // `steps` changes whenever the store does: a new attempt, or more output.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [core, opened?.stepId, steps],
  );
  const shown = Math.min(runs.length - 1, opened?.shown ?? runs.length - 1);
  const run = runs[shown];
  const output = useMemo<LineSource>(() => {
    const snapshot = outputLines(run, core.facts());
    return { getSnapshot: () => snapshot };
  }, [core, run]);
  const scroll = useLogScroll(output);
  return {
    selected,
    open: opened ? { stepId: opened.stepId, runs, shown } : undefined,
    output,
    scroll,
    wrap,
    move: (delta) => {
      const from = steps.findIndex((s) => s.id === (latest.current ?? selected));
      const to = steps[Math.min(Math.max(0, from + delta), steps.length - 1)];
      latest.current = to?.id;
      setChosen(to?.id);
    },
    openSelected: () => {
      if (!selected) return;
      scroll.end();
      setOpened({ stepId: selected });
    },
    close: () => setOpened(undefined),
    switchAttempt: (delta) => {
      if (!opened || !runs.length) return;
      scroll.end();
      setOpened({ ...opened, shown: Math.min(Math.max(0, shown + delta), runs.length - 1) });
    },
    toggleWrap: () => setWrap((w) => !w),
  };
}

/** The step list's keys, while it has focus: `j`/`k` select, Enter opens. */
export function stepListBindings(browser: StepBrowser, focused: boolean): Binding[] {
  return [
    {
      keys: ['continue'],
      label: browser.selected ? `open ${browser.selected}` : 'open',
      short: 'open',
      help: 'open the selected step: its attempts, output, durations, exit codes',
      enabled: focused && browser.selected !== undefined,
      run: () => browser.openSelected(),
    },
    {
      keys: ['up', 'down'],
      label: 'select',
      help: 'select a step (when the step list has focus)',
      show: 'help',
      enabled: focused,
      run: (action) => browser.move(action === 'up' ? -1 : 1),
    },
  ];
}

/** The open step view's keys: attempts, scrolling, wrap, Esc. */
export function stepViewBindings(browser: StepBrowser, rows: number): Binding[] {
  const { scroll, open } = browser;
  return [
    {
      keys: ['previous', 'next'],
      keyText: '[ ]',
      label: 'attempt',
      help: 'the attempt before or after ([ or ←, ] or →)',
      enabled: (open?.runs.length ?? 0) > 1,
      run: (action) => browser.switchAttempt(action === 'previous' ? -1 : 1),
    },
    {
      keys: ['cancel'],
      label: 'close',
      help: 'close the step view',
      run: () => browser.close(),
    },
    ...scrollBindings(scroll, rows, 'the output', true),
    {
      keys: ['wrap'],
      label: 'wrap',
      help: 'wrap long lines, or cut them',
      show: 'help',
      run: () => browser.toggleWrap(),
    },
  ];
}
