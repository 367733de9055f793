import { useCallback, useState } from 'react';
import type { LineStore } from '../stores/line-store.js';

export interface LogScroll {
  /** The seq of the bottom line shown; null follows the tail. */
  bottom: number | null;
  up(lines: number): void;
  down(lines: number): void;
}

/**
 * Scrolling anchored on a line, not on a distance from the end: new lines
 * arriving while the operator reads back do not move what they read.
 */
export function useLogScroll(store: LineStore): LogScroll {
  const [bottom, setBottom] = useState<number | null>(null);
  const up = useCallback(
    (n: number) =>
      setBottom((b) => {
        const { lines, total } = store.getSnapshot();
        const first = lines[0]?.seq;
        return first === undefined ? null : Math.max(first, (b ?? total) - n);
      }),
    [store],
  );
  const down = useCallback(
    (n: number) =>
      setBottom((b) => {
        if (b === null) return null;
        const { total } = store.getSnapshot();
        return b + n >= total ? null : b + n;
      }),
    [store],
  );
  return { bottom, up, down };
}
