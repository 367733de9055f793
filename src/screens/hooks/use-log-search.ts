import { useState } from 'react';
import type { LogLine } from '../stores/line-store.js';
import type { LineSource, LogScroll } from './use-log-scroll.js';

export interface LogSearch {
  /** The query is being typed (the screen's keys are off meanwhile). */
  typing: boolean;
  query: string;
  /** The seq of the line found, highlighted. */
  match: number | undefined;
  /** `/`: starts typing a query. */
  begin(): void;
  /** Enter: finds the newest line that has the query. */
  submit(query: string): void;
  cancel(): void;
  /** `n`: the next older match, round to the newest after the oldest. */
  next(): void;
}

/** The newest line before `before` (exclusive) containing `query`, case-insensitive; round to the newest. */
export function findMatch(
  lines: readonly LogLine[],
  query: string,
  before: number | undefined,
): number | undefined {
  const q = query.toLowerCase();
  const has = (l: LogLine) => l.text.toLowerCase().includes(q);
  const older = lines.filter((l) => (before === undefined || l.seq < before) && has(l)).at(-1);
  return (older ?? lines.filter(has).at(-1))?.seq;
}

/** `/` search over a line source: the match is scrolled into view and highlighted. */
export function useLogSearch(source: LineSource, scroll: LogScroll, rows: number): LogSearch {
  const [typing, setTyping] = useState(false);
  const [query, setQuery] = useState('');
  const [match, setMatch] = useState<number | undefined>();
  const find = (q: string, before: number | undefined) => {
    const seq = findMatch(source.getSnapshot().lines, q, before);
    setMatch(seq);
    if (seq !== undefined) scroll.show(seq, rows);
    return seq;
  };
  return {
    typing,
    query,
    match,
    begin: () => setTyping(true),
    submit: (q) => {
      setTyping(false);
      setQuery(q);
      find(q, undefined);
    },
    cancel: () => setTyping(false),
    next: () => void (query && find(query, match)),
  };
}
