import { useCallback, useMemo, useState } from 'react';
import type { Binding } from '../app/bindings.js';
import type { LinesSnapshot } from '../stores/line-store.js';

/** What a scroll reads lines from: a LineStore, or a fixed list (a step's recorded output). */
export interface LineSource {
  getSnapshot(): LinesSnapshot;
}

export interface LogScroll {
  /** The seq of the bottom line shown; null follows the tail. */
  bottom: number | null;
  up(lines: number): void;
  down(lines: number): void;
  /** `g`: the first lines (`rows` of them). */
  top(rows: number): void;
  /** `G`: the tail, followed. */
  end(): void;
  /** `f`: stop following where the tail is now, or follow it again. */
  toggleFollow(): void;
  /** Brings line `seq` into view, `rows / 2` lines above the bottom (a search match). */
  show(seq: number, rows: number): void;
}

/**
 * Scrolling anchored on a line, not on a distance from the end: new lines
 * arriving while the operator reads back do not move what they read.
 */
export function useLogScroll(source: LineSource): LogScroll {
  const [bottom, setBottom] = useState<number | null>(null);
  const up = useCallback(
    (n: number) =>
      setBottom((b) => {
        const { lines, total } = source.getSnapshot();
        const first = lines[0]?.seq;
        return first === undefined ? null : Math.max(first, (b ?? total) - n);
      }),
    [source],
  );
  const down = useCallback(
    (n: number) =>
      setBottom((b) => {
        if (b === null) return null;
        const { total } = source.getSnapshot();
        return b + n >= total ? null : b + n;
      }),
    [source],
  );
  return useMemo(() => {
    const at = (seq: number) => {
      const { lines, total } = source.getSnapshot();
      const first = lines[0]?.seq ?? 0;
      return seq >= total ? null : Math.max(first, seq);
    };
    return {
      bottom,
      up,
      down,
      top: (rows) => setBottom(at((source.getSnapshot().lines[0]?.seq ?? 0) + rows - 1)),
      end: () => setBottom(null),
      toggleFollow: () =>
        setBottom((b) => (b === null ? source.getSnapshot().total || null : null)),
      show: (seq, rows) => setBottom(at(seq + Math.floor(rows / 2))),
    };
  }, [bottom, up, down, source]);
}

/**
 * The keys that scroll a window of `rows` lines over `what`: a line (↑↓ j k,
 * only while `lineKeys`: elsewhere they move another cursor), a page, the top
 * or the end.
 */
export function scrollBindings(
  scroll: LogScroll,
  rows: number,
  what: string,
  lineKeys: boolean,
): Binding[] {
  return [
    {
      keys: ['up', 'down'],
      label: 'scroll',
      help: `scroll ${what} a line`,
      show: 'help',
      enabled: lineKeys,
      run: (action) => (action === 'up' ? scroll.up(1) : scroll.down(1)),
    },
    {
      keys: ['pageUp', 'pageDown'],
      label: 'page',
      help: `scroll ${what} a page`,
      show: 'help',
      run: (action) => (action === 'pageUp' ? scroll.up(rows) : scroll.down(rows)),
    },
    {
      keys: ['top', 'bottom'],
      label: 'top/end',
      help: `${what}: the first lines, or the end (followed)`,
      show: 'help',
      enabled: lineKeys,
      run: (action) => (action === 'top' ? scroll.top(rows) : scroll.end()),
    },
  ];
}
