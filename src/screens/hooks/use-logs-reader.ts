import { useState, useSyncExternalStore } from 'react';
import type { Binding } from '../app/bindings.js';
import type { TuiCore } from '../app/core.js';
import type { LineStore } from '../stores/line-store.js';
import { scrollBindings, useLogScroll, type LogScroll } from './use-log-scroll.js';
import { useLogSearch, type LogSearch } from './use-log-search.js';

/** How the Logs pane is read: which lines, where, wrapped or not, what was searched. */
export interface LogsReader {
  store: LineStore;
  appLog: boolean;
  /** error.log lines that came in since the operator last looked at them. */
  appLogUnseen: number;
  scroll: LogScroll;
  search: LogSearch;
  wrap: boolean;
  toggleAppLog(): void;
  toggleWrap(): void;
}

/** The Logs pane's reading state; each source keeps its own scroll and search. */
export function useLogsReader(core: TuiCore, rows: number): LogsReader {
  const [appLog, setAppLog] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [seen, setSeen] = useState(0);
  const stepsScroll = useLogScroll(core.lines);
  const appScroll = useLogScroll(core.appLog);
  const stepsSearch = useLogSearch(core.lines, stepsScroll, rows);
  const appSearch = useLogSearch(core.appLog, appScroll, rows);
  const appTotal = useSyncExternalStore(
    core.appLog.subscribe,
    () => core.appLog.getSnapshot().received,
  );
  return {
    store: appLog ? core.appLog : core.lines,
    appLog,
    appLogUnseen: appLog ? 0 : Math.max(0, appTotal - seen),
    scroll: appLog ? appScroll : stepsScroll,
    search: appLog ? appSearch : stepsSearch,
    wrap,
    toggleAppLog: () => {
      setSeen(core.appLog.getSnapshot().received);
      setAppLog((a) => !a);
    },
    toggleWrap: () => setWrap((w) => !w),
  };
}

/** The Logs pane's keys: scrolling, `g`/`G`, `f`, `w`, `/` and `n`, `l`; line keys only while it has focus. */
export function logsBindings(reader: LogsReader, focused: boolean, rows: number): Binding[] {
  const { scroll, search } = reader;
  return [
    // Page keys scroll the Logs pane wherever the focus is; line keys only while it has focus.
    ...scrollBindings(scroll, rows, 'the Logs pane', focused),
    {
      keys: ['follow'],
      label: 'follow',
      help: 'Logs: stop following new lines, or follow them again',
      show: 'help',
      enabled: focused,
      run: () => scroll.toggleFollow(),
    },
    {
      keys: ['wrap'],
      label: 'wrap',
      help: 'Logs: wrap long lines, or cut them',
      show: 'help',
      enabled: focused,
      run: () => reader.toggleWrap(),
    },
    {
      keys: ['search'],
      label: 'search',
      help: 'Logs: search (type, Enter: the newest match)',
      show: 'help',
      enabled: focused,
      run: () => search.begin(),
    },
    {
      keys: ['no'],
      keyText: 'n',
      label: 'next match',
      help: 'Logs: the next (older) match',
      show: 'help',
      enabled: focused && search.query !== '',
      run: () => search.next(),
    },
    {
      keys: ['appLog'],
      label: reader.appLog ? 'step output' : 'error.log',
      help: "Logs: the target's error.log tail, or the step output",
      // The pane's title says `error.log +N (l)` when lines come in: the key bar keeps its room.
      show: 'help',
      run: () => reader.toggleAppLog(),
    },
  ];
}
