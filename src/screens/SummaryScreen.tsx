import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { Footer } from '../components/Footer.js';
import { Frame } from '../components/Frame.js';
import { Header } from '../components/Header.js';
import { useCursor, windowStart } from '../components/use-cursor.js';
import { useTui } from '../tui/context.js';
import { duration, fit } from '../tui/format.js';
import { togglePostItem } from '../tui/intents/summary.js';
import { POST_ITEMS } from '../tui/post-checklist.js';
import { color } from '../tui/theme.js';
import { useKeys } from '../tui/use-keys.js';
import { useTerminalSize } from '../tui/use-terminal-size.js';

/** The post-deployment list as rows: a group title before each group's first item. */
const POST_ROWS = POST_ITEMS.flatMap((item, i) =>
  i === 0 || POST_ITEMS[i - 1]!.group !== item.group
    ? [{ group: item.group }, { item }]
    : [{ item }],
);

/**
 * How the deployment ended: status and duration, the runbook's Verification
 * Checklist filled in from what the steps verified, and the Documentation
 * Updates and Communication checklists to tick (recorded, so exported).
 */
export function SummaryScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const cursor = useCursor(POST_ITEMS.length);
  const d = state.deployment;
  // Re-read when the deployment record changes (every sync), not on every render.
  const verification = useMemo(() => (d ? core.verification() : undefined), [core, d]);
  useKeys((action) => {
    if (action === 'up') cursor.move(-1);
    if (action === 'down') cursor.move(1);
    if (action === 'tick') togglePostItem(core, POST_ITEMS[cursor.current()]!.id);
  }, !state.overlay);
  if (!d || !verification) return null;
  const ok = d.status === 'succeeded' || d.status === 'rolled_back';
  const cursorRow = POST_ROWS.findIndex((r) => r.item === POST_ITEMS[cursor.index]);
  const listRows = Math.max(3, rows - 1 - 1 - 2 - verification.items.length - 2);
  const start = windowStart(cursorRow, POST_ROWS.length, listRows);
  const evidenceWidth = Math.max(10, columns - 62);
  return (
    <Frame>
      <Header title="cvd-tui Summary" width={columns} />
      <Text bold color={color(ok ? 'ok' : 'error')} wrap="truncate-end">
        {ok ? '✓' : '✗'}{' '}
        {d.status === 'rolled_back'
          ? `Rolled back to ${d.versionFrom ?? 'the previous version'}`
          : `Deployment ${d.status.replace('_', ' ')}`}
        {d.finishedAt === null ? '' : ` in ${duration(d.finishedAt - d.startedAt)}`}
      </Text>
      <Text bold>
        Verification Checklist —{' '}
        <Text
          color={color(
            verification.status === 'FAILED'
              ? 'error'
              : verification.status === 'VERIFIED'
                ? 'ok'
                : 'warn',
          )}
        >
          {verification.status}
        </Text>
      </Text>
      {verification.items.map((v) => (
        <Text key={v.label} wrap="truncate-end">
          <Text
            color={color(v.verified === true ? 'ok' : v.verified === false ? 'error' : 'muted')}
          >
            {v.verified === true ? '[x]' : v.verified === false ? '[✗]' : '[ ]'}
          </Text>{' '}
          {fit(v.label, 56).padEnd(56)}{' '}
          <Text color={color('muted')}>{fit(v.evidence, evidenceWidth)}</Text>
        </Text>
      ))}
      <Box flexDirection="column" flexGrow={1}>
        {POST_ROWS.slice(start, start + listRows).map((row) =>
          'group' in row ? (
            <Text key={row.group} bold color={color('accent')}>
              {row.group}
            </Text>
          ) : (
            <Text
              key={row.item!.id}
              wrap="truncate-end"
              bold={row.item === POST_ITEMS[cursor.index]}
            >
              <Text color={color('accent')}>
                {row.item === POST_ITEMS[cursor.index] ? '▸ ' : '  '}
              </Text>
              {state.postTicks[row.item!.id] ? '[x]' : '[ ]'} {row.item!.label}
            </Text>
          ),
        )}
      </Box>
      <Footer
        width={columns}
        hints={[
          { action: 'up', key: '↑↓', label: 'move' },
          { action: 'tick', label: 'tick' },
          { action: 'export', label: 'export' },
          { action: 'help', label: 'help' },
          { action: 'quit', label: 'quit' },
        ]}
      />
    </Frame>
  );
}
