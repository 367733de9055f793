import { useRef, useState } from 'react';

export interface Cursor {
  /** The index to render. */
  index: number;
  /** The index now, including moves made earlier in the same burst of keys (before a re-render). */
  current(): number;
  move(delta: number): void;
}

const clamp = (i: number, count: number) => Math.min(Math.max(0, i), Math.max(0, count - 1));

/**
 * A cursor over `count` items, clamped (no wrap-around: the end of a list
 * should feel like one). Until it is moved it stays on `initial`, so a list
 * that fills in after the first frame (the start screen's tags) still opens
 * on its preselected item.
 */
export function useCursor(count: number, initial = 0): Cursor {
  const [moved, setMoved] = useState<number | undefined>(undefined);
  const latest = useRef<number | undefined>(undefined);
  const at = (index: number | undefined) => clamp(index ?? initial, count);
  return {
    index: at(moved),
    current: () => at(latest.current),
    move: (delta) => {
      latest.current = clamp(at(latest.current) + delta, count);
      setMoved(latest.current);
    },
  };
}

/** The first visible row of a `rows`-high window that keeps `index` in view, roughly centred. */
export function windowStart(index: number, count: number, rows: number): number {
  if (count <= rows) return 0;
  return Math.min(Math.max(0, index - Math.floor(rows / 2)), count - rows);
}
