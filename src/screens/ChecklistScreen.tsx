import { Box } from 'ink';
import { Text } from './components/Text.js';
import { Header } from './components/Header.js';
import { useCursor } from './hooks/use-cursor.js';
import { CHECKLIST } from '../steps/checklist.js';
import { useTui } from './app/context.js';
import { HostEvidenceLines, ItemDetail, ItemRow } from './components/ChecklistItem.js';
import { FleetHeader } from './components/FleetHeader.js';
import { useFleetView } from './hooks/use-fleet-view.js';
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
/** A fleet's per-host evidence of the item under the cursor: at most this many lines, taken from the preview's rows. */
const HOST_LINES = 3;
/** The change preview keeps at least this many rows. */
const PREVIEW_ROWS = 3;

const GROUPS = [...new Set(CHECKLIST.map((i) => i.group))];
/** Labels of the items with evidence are padded to one column; the others need no room beside them. */
const EVIDENCE_LABEL = Math.max(
  ...CHECKLIST.filter((i) => i.evaluate).map((i) => `${i.id} ${i.label}`.length),
);

/**
 * The runbook's Pre-Deployment Checklist in its three groups. Space ticks
 * the item under the cursor; items the tool verified show their evidence and
 * turn red when the check failed; Enter opens phase 1 once every item is ticked.
 * A fleet's one checklist shows here too: each item's evidence from every
 * host (red if any host failed it), ticked on every host at once; Enter then
 * opens the fleet screen, where the rollout starts.
 */
export function ChecklistScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const fleet = useFleetView(core);
  const version = state.deployment?.versionTo ?? fleet?.versionTo;
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
      label:
        ticked === CHECKLIST.length
          ? `continue to ${fleet ? 'the fleet' : 'phase 1'}`
          : 'continue (once all are ticked)',
      short: 'continue',
      enabled: idle,
      run: () => continueFromChecklist(core),
    },
    ...commonBindings(core, state),
  ];
  const labelWidth = Math.min(EVIDENCE_LABEL, Math.max(30, columns - 36));
  const hosts = records.get(item.id)?.hosts ?? [];
  const hostLines = Math.min(hosts.length, HOST_LINES, rows - CHECKLIST_ROWS - PREVIEW_ROWS);
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      {fleet ? (
        <FleetHeader
          title="cvd-tui Fleet Checklist"
          view={fleet}
          operator={core.deps.operator}
          width={columns}
        />
      ) : (
        <Header title="cvd-tui Checklist" width={columns} />
      )}
      <ChangePreviewPanel
        preview={state.preview?.version === version ? state.preview : undefined}
        rows={Math.max(PREVIEW_ROWS, rows - CHECKLIST_ROWS - Math.max(0, hostLines))}
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
        <ItemDetail item={item} record={records.get(item.id)} />
        <HostEvidenceLines hosts={hosts} rows={hostLines} />
      </Box>
    </ScreenLayout>
  );
}
