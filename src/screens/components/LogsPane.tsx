import { Box } from 'ink';
import { useSyncExternalStore } from 'react';
import type { LineStore } from '../stores/line-store.js';
import type { LogSearch } from '../hooks/use-log-search.js';
import { LineView } from './LineView.js';
import { windowRows } from './line-window.js';
import { Pane } from './Pane.js';
import { Text } from './Text.js';
import { TextInput } from './TextInput.js';
import { color } from './theme.js';

export interface LogsPaneProps {
  /** The lines shown: the step output, or the error.log tail. */
  store: LineStore;
  /** True when `store` is the target's error.log tail. */
  appLog: boolean;
  /** Shown in the title while the step output is: lines of error.log not yet looked at. */
  appLogUnseen: number;
  width: number;
  height: number;
  focused: boolean;
  /** From useLogScroll: the seq of the bottom line, or null to follow the tail. */
  bottom: number | null;
  wrap: boolean;
  search: LogSearch;
}

/** Says what the pane shows and how: source, follow, wrap, search; the keys that change it are in `?`. */
function title(p: LogsPaneProps, above: number): string {
  const parts = [p.appLog ? 'Logs: error.log (l: step output)' : 'Logs'];
  if (!p.appLog && p.appLogUnseen) parts.push(`error.log +${p.appLogUnseen} (l)`);
  if (p.bottom !== null) parts.push(`paused, ${above} newer below (G: follow)`);
  if (p.wrap) parts.push('wrap');
  if (p.search.query)
    parts.push(`/${p.search.query}${p.search.match === undefined ? ' not found' : ''}`);
  return parts.join(' · ');
}

/**
 * The Logs pane: the step output and cvd-tui's notes, or (`l`) the live
 * tail of the target's error.log, each with its own scroll; error lines
 * highlighted, repeated lines collapsed. It renders only the rows it shows,
 * from a snapshot published at most every 250 ms (LineStore), so a flood of
 * output costs a bounded amount of work.
 */
export function LogsPane(props: LogsPaneProps) {
  const { store, width, height, focused, bottom, wrap, search, appLog } = props;
  const { lines } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const rows = Math.max(1, height - 2 - (search.typing ? 1 : 0));
  const { shown, above } = windowRows(lines, rows, bottom, width - 2, wrap);
  return (
    <Pane title={title(props, above)} width={width} height={height} focused={focused}>
      <Box flexDirection="column" height={rows}>
        <LineView
          rows={shown}
          match={search.match}
          empty={appLog ? 'Nothing in error.log yet.' : 'No output yet.'}
        />
      </Box>
      {search.typing ? (
        <Box>
          <Text color={color('accent')}>/ </Text>
          <TextInput onSubmit={search.submit} onCancel={search.cancel} maxLength={100} />
          <Text color={color('muted')}> Enter find · Esc cancel</Text>
        </Box>
      ) : null}
    </Pane>
  );
}
