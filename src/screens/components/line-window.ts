import type { LogLine } from '../stores/line-store.js';

/** The lines to show: a window over the ring's snapshot, never more than `rows`. */
export function windowOf(
  lines: readonly LogLine[],
  rows: number,
  bottom: number | null,
): { shown: readonly LogLine[]; above: number } {
  const first = lines[0]?.seq ?? 0;
  const end =
    bottom === null ? lines.length : Math.min(lines.length, Math.max(rows, bottom - first + 1));
  const start = Math.max(0, end - rows);
  return { shown: lines.slice(start, end), above: lines.length - end };
}

/** One screen row: a line, or (wrapped) one piece of it. */
export interface WindowRow {
  key: string;
  line: LogLine;
  text: string;
}

/** A line as shown: a collapsed run of repeats says how many (`… ×12`). */
export const shownText = (line: LogLine): string =>
  (line.text || ' ') + (line.repeats > 1 ? `  … ×${line.repeats}` : '');

/** Cuts text into pieces of `width` columns (at least one piece, so a blank line keeps its row). */
export function wrapText(text: string, width: number): string[] {
  const chars = [...text];
  const size = Math.max(1, width);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces.length ? pieces : [' '];
}

/**
 * The rows to draw: the window ending at `bottom` (null: the tail), one row
 * a line, or with `wrap` every piece of the lines that fit, the bottom line
 * whole. Scrolling stays by line; `above` counts lines below the window.
 */
export function windowRows(
  lines: readonly LogLine[],
  rows: number,
  bottom: number | null,
  width: number,
  wrap: boolean,
): { shown: WindowRow[]; above: number } {
  const { shown, above } = windowOf(lines, rows, bottom);
  if (!wrap)
    return {
      shown: shown.map((line) => ({ key: String(line.seq), line, text: shownText(line) })),
      above,
    };
  const end = lines.length - above;
  const out: WindowRow[] = [];
  for (let i = end - 1; i >= 0 && out.length < rows; i--) {
    const line = lines[i]!;
    const pieces = wrapText(shownText(line), width).map((text, n) => ({
      key: `${line.seq}.${n}`,
      line,
      text,
    }));
    out.unshift(...pieces.slice(Math.max(0, pieces.length - (rows - out.length))));
  }
  return { shown: out, above };
}
