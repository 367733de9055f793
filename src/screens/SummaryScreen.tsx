import { Box } from 'ink';
import { Text } from './components/Text.js';
import { useMemo } from 'react';
import { FOOTER_ROWS } from './components/Footer.js';
import { Header } from './components/Header.js';
import { IssuesNote, issuesNoteRows } from './components/IssuesNote.js';
import { useCursor, windowStart } from './hooks/use-cursor.js';
import { MONITOR_DEFAULTS } from '../monitor/watch.js';
import { POST_ITEMS, type PostItem } from '../steps/post-checklist.js';
import { useTui } from './app/context.js';
import { duration, fit, windowLength } from './components/format.js';
import { startMonitoring } from './intents/monitor.js';
import { togglePostItem } from './intents/summary.js';
import { color } from './components/theme.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, type Binding } from './app/bindings.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

/** A Verification Checklist row: `[x] ` and its label, then its evidence. */
const BOX_WIDTH = 4;
const LABEL_MAX = 56;
const LABEL_MIN = 24;
const EVIDENCE_ROOM = 40;

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The selectable row that opens the Monitor screen (a succeeded deployment only). */
const MONITOR = 'monitor';
type Choice = PostItem | typeof MONITOR;
type Row = { group: string } | { choice: Choice };

/** The post-deployment list as rows: a group title before each group's first item. */
const POST_ROWS: Row[] = POST_ITEMS.flatMap((item, i) =>
  i === 0 || POST_ITEMS[i - 1]!.group !== item.group
    ? [{ group: item.group }, { choice: item }]
    : [{ choice: item }],
);
/** Last, so the cursor still starts on the first Documentation Updates item. */
const MONITOR_ROWS: Row[] = [{ group: 'Post-Deployment Monitoring' }, { choice: MONITOR }];

/**
 * How the deployment ended: status and duration, the runbook's Verification
 * Checklist filled in from what the steps verified, the issues and
 * resolution recorded, the Documentation Updates and Communication
 * checklists to tick (recorded, so exported) and, after a success, the
 * post-deployment monitoring to start (Enter).
 */
export function SummaryScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const d = state.deployment;
  const monitorOffered = d?.status === 'succeeded';
  const choices: readonly Choice[] = monitorOffered ? [...POST_ITEMS, MONITOR] : POST_ITEMS;
  const cursor = useCursor(choices.length);
  // Re-read when the deployment record changes (every sync), not on every render.
  const verification = useMemo(() => (d ? core.verification() : undefined), [core, d]);
  const outcome = useMemo(() => (d ? core.outcome() : undefined), [core, d]);
  const onMonitor = choices[cursor.index] === MONITOR;
  const bindings: Binding[] = [
    {
      keys: ['up', 'down'],
      keyText: '↑↓',
      label: 'move',
      run: (action) => cursor.move(action === 'up' ? -1 : 1),
    },
    {
      keys: ['tick'],
      label: 'tick',
      help: 'tick or untick the item under the cursor',
      enabled: !onMonitor,
      run: () => {
        const current = choices[cursor.current()]!;
        if (current !== MONITOR) togglePostItem(core, current.id);
      },
    },
    {
      keys: ['continue'],
      label: 'start monitoring',
      short: 'monitor',
      help: 'start the post-deployment monitoring (on its row)',
      enabled: monitorOffered,
      run: () => {
        if (choices[cursor.current()] === MONITOR) startMonitoring(core);
        else
          core.notify('Enter on the last row starts the monitoring; Space ticks an item', 'info');
      },
    },
    ...commonBindings(core, state),
  ];
  if (!d || !verification) return null;
  const ok = d.status === 'succeeded';
  // Rolled back: the rollback worked, the deployment did not; neither a success nor a failure.
  const rolledBack = d.status === 'rolled_back';
  const note = { issues: state.issues, resolution: d.resolution };
  const allRows = monitorOffered ? [...POST_ROWS, ...MONITOR_ROWS] : POST_ROWS;
  const selected = choices[cursor.index];
  const cursorRow = allRows.findIndex((r) => 'choice' in r && r.choice === selected);
  const listRows = Math.max(
    3,
    rows - 1 - 1 - 2 - verification.items.length - issuesNoteRows(note) - FOOTER_ROWS,
  );
  const start = windowStart(cursorRow, allRows.length, listRows);
  // The evidence keeps room for R.7's "R.7: /health/database answered HTTP 200" at 80 columns; the label gives way.
  const labelWidth = Math.min(LABEL_MAX, Math.max(LABEL_MIN, columns - BOX_WIDTH - EVIDENCE_ROOM));
  const evidenceWidth = Math.max(10, columns - BOX_WIDTH - labelWidth - 1);
  const minutes = core.deps.monitor?.durationMinutes ?? MONITOR_DEFAULTS.durationMinutes;
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      <Header title="cvd-tui Summary" width={columns} />
      <Text bold color={color(ok ? 'ok' : rolledBack ? 'warn' : 'error')} wrap="truncate-end">
        {ok ? '✓' : rolledBack ? '↺' : '✗'}{' '}
        {d.status === 'rolled_back' && outcome
          ? `${capitalized(outcome.summary)}${d.finishedAt === null ? '' : ` · ${duration(d.finishedAt - d.startedAt)} in all`}`
          : `Deployment ${d.status.replace('_', ' ')}${d.finishedAt === null ? '' : ` in ${duration(d.finishedAt - d.startedAt)}`}`}
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
          {fit(v.label, labelWidth).padEnd(labelWidth)}{' '}
          <Text color={color('muted')}>{fit(v.evidence, evidenceWidth)}</Text>
        </Text>
      ))}
      <IssuesNote {...note} />
      <Box flexDirection="column" flexGrow={1}>
        {allRows.slice(start, start + listRows).map((row) => {
          if ('group' in row)
            return (
              <Text key={row.group} bold color={color('accent')}>
                {row.group}
              </Text>
            );
          const here = row.choice === selected;
          const key = row.choice === MONITOR ? MONITOR : row.choice.id;
          return (
            <Text key={key} wrap="truncate-end" bold={here}>
              <Text color={color('accent')}>{here ? '▸ ' : '  '}</Text>
              {row.choice === MONITOR
                ? `Start post-deployment monitoring (${windowLength(minutes)})`
                : `${state.postTicks[row.choice.id] ? '[x]' : '[ ]'} ${row.choice.label}`}
            </Text>
          );
        })}
      </Box>
    </ScreenLayout>
  );
}
