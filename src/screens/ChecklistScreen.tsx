import { Box } from 'ink';
import { Text } from './components/Text.js';
import { Header } from './components/Header.js';
import { useCursor } from './hooks/use-cursor.js';
import type { ChecklistRecord } from '../state/types.js';
import { CHECKLIST, type ChecklistItem } from '../steps/checklist.js';
import { useTui } from './app/context.js';
import { clock, fit } from './components/format.js';
import { continueFromChecklist, toggleItem } from './intents/checklist.js';
import { color } from './components/theme.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, type Binding } from './app/bindings.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useEffect } from 'react';
import { ChangePreviewPanel } from './components/ChangePreviewPanel.js';
import { readPreview } from './intents/preview.js';

/** Rows the checklist takes besides the change preview: frame, header, title, 3 groups, 12 items, detail, footer. */
const CHECKLIST_ROWS = 21;

const GROUPS = [...new Set(CHECKLIST.map((i) => i.group))];
/** Labels of the items with evidence are padded to one column; the others need no room beside them. */
const EVIDENCE_LABEL = Math.max(
  ...CHECKLIST.filter((i) => i.evaluate).map((i) => `${i.id} ${i.label}`.length),
);

function ItemRow({
  item,
  record,
  selected,
  labelWidth,
}: {
  item: ChecklistItem;
  record?: ChecklistRecord;
  selected: boolean;
  labelWidth: number;
}) {
  const red = record?.evidenceOk === false;
  const box = record?.checked ? '[x]' : '[ ]';
  return (
    <Text wrap="truncate-end" bold={selected}>
      <Text color={color('accent')}>{selected ? '▸ ' : '  '}</Text>
      <Text color={red ? color('error') : record?.checked ? color('ok') : undefined}>
        {box}{' '}
        {record?.evidence
          ? fit(`${item.id} ${item.label}`, labelWidth).padEnd(labelWidth)
          : `${item.id} ${item.label}`}
      </Text>
      {record?.evidence ? (
        <Text color={color(red ? 'error' : 'ok')}>
          {' '}
          {red ? '✗' : '✓'} {record.evidence}
        </Text>
      ) : null}
    </Text>
  );
}

/** Who ticked the item under the cursor and when, its evidence in full, and the reason of a red one. */
function Detail({ item, record }: { item: ChecklistItem; record?: ChecklistRecord }) {
  const parts = [
    record?.checked ? `ticked by ${record.by} at ${clock(record.at)}` : 'not ticked',
    record?.reason ? `reason: ${record.reason}` : undefined,
    record?.evidence
      ? `evidence: ${record.evidence}${record.evidenceOk === false ? ' (check failed)' : ''}`
      : undefined,
  ];
  return (
    <Text color={color('muted')} wrap="truncate-end">
      {item.id}: {parts.filter(Boolean).join(' · ')}
    </Text>
  );
}

/**
 * The runbook's Pre-Deployment Checklist in its three groups. Space ticks
 * the item under the cursor; items the tool verified show their evidence and
 * turn red when the check failed; Enter opens phase 1 once every item is ticked.
 */
export function ChecklistScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const version = state.deployment?.versionTo;
  useEffect(() => {
    if (version) void readPreview(core, version);
  }, [core, version]);
  const cursor = useCursor(CHECKLIST.length);
  const records = new Map(state.checklist.map((c) => [c.itemId, c]));
  const item = CHECKLIST[cursor.index]!;
  const ticked = CHECKLIST.filter((i) => records.get(i.id)?.checked).length;
  // While the evidence is being checked (resume settling) the list stays still.
  const idle = !state.busy;
  const bindings: Binding[] = [
    {
      keys: ['up', 'down'],
      keyText: '↑↓',
      label: 'move',
      enabled: idle,
      run: (action) => cursor.move(action === 'up' ? -1 : 1),
    },
    {
      keys: ['tick'],
      label: 'tick',
      help: 'tick or untick the item under the cursor',
      enabled: idle,
      run: () => toggleItem(core, CHECKLIST[cursor.current()]!.id),
    },
    {
      keys: ['continue'],
      label: ticked === CHECKLIST.length ? 'continue to phase 1' : 'continue (once all are ticked)',
      short: 'continue',
      enabled: idle,
      run: () => continueFromChecklist(core),
    },
    ...commonBindings(core, state),
  ];
  const labelWidth = Math.min(EVIDENCE_LABEL, Math.max(30, columns - 36));
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      <Header title="cvd-tui Checklist" width={columns} />
      <ChangePreviewPanel
        preview={state.preview?.version === version ? state.preview : undefined}
        rows={Math.max(3, rows - CHECKLIST_ROWS)}
        width={columns}
      />
      <Text bold>
        Pre-Deployment Checklist{' '}
        <Text color={color(ticked === CHECKLIST.length ? 'ok' : 'muted')}>
          ({ticked}/{CHECKLIST.length} ticked)
        </Text>
      </Text>
      <Box flexDirection="column" flexGrow={1}>
        {GROUPS.map((group) => (
          <Box key={group} flexDirection="column">
            <Text color={color('accent')}>{group}</Text>
            {CHECKLIST.filter((i) => i.group === group).map((i) => (
              <ItemRow
                key={i.id}
                item={i}
                record={records.get(i.id)}
                selected={i.id === item.id}
                labelWidth={labelWidth}
              />
            ))}
          </Box>
        ))}
        <Detail item={item} record={records.get(item.id)} />
      </Box>
    </ScreenLayout>
  );
}
