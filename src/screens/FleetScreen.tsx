import type { FleetPlan, FleetView } from '../fleet/view.js';
import { fleetBindings } from './app/bindings.js';
import { TuiProvider } from './app/context.js';
import type { TuiCore } from './app/core.js';
import { useTui } from './app/context.js';
import { initialState } from './app/state.js';
import { FleetHeader } from './components/FleetHeader.js';
import { FleetTable } from './components/FleetTable.js';
import { FOOTER_ROWS } from './components/Footer.js';
import { Pane } from './components/Pane.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { Text } from './components/Text.js';
import { color } from './components/theme.js';
import { useCursor } from './hooks/use-cursor.js';
import { useFleetView } from './hooks/use-fleet-view.js';
import { useNow } from './hooks/use-now.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { PhaseScreen } from './PhaseScreen.js';

/** Rows besides the hosts: header, the pane's borders and column titles, plan, progress, detail, footer. */
const CHROME_ROWS = 1 + 3 + 3 + FOOTER_ROWS;

/**
 * A rollout across a group of targets: one row per host, the batch plan and
 * the fleet's progress. `Enter` opens the selected host's own phase screen
 * (its steps, Logs, Resources and Health) over this one; `Esc` there comes
 * back with the selection kept.
 */
export function FleetScreen() {
  const { state, core } = useTui();
  const view = useFleetView(core);
  const { columns, rows } = useTerminalSize();
  const cursor = useCursor(view?.hosts.length ?? 0);
  const now = useNow(view?.hosts.some((h) => h.downSince !== null) ?? false);
  if (!view) throw new Error('the fleet screen needs a fleet: TuiCore.followFleet first');
  // Ctrl-C's question is the fleet's: it shows here, over any host.
  const askingToLeave = state.overlay?.kind === 'confirm' && state.overlay.intent === 'interrupt';
  const open = view.hosts.find((h) => h.host === state.fleetHost);
  if (open && !askingToLeave)
    return (
      <HostScreen
        core={core.hostCore(open.host)}
        running={open.versionRunning ?? 'unknown'}
        version={view.versionTo}
      />
    );
  const width = Math.max(60, columns);
  const hostRows = Math.max(1, Math.min(view.hosts.length, rows - 1 - CHROME_ROWS));
  const selected = view.hosts[cursor.index];
  const bindings = fleetBindings(core, state, view, cursor);
  return (
    <ScreenLayout bindings={bindings} width={width}>
      <FleetHeader title="cvd-tui Fleet" view={view} operator={core.deps.operator} width={width} />
      <Pane title={`Hosts (${view.hosts.length})`} width={width} height={hostRows + 3}>
        <FleetTable
          hosts={view.hosts}
          selected={cursor.index}
          width={width - 2}
          rows={hostRows}
          now={now}
        />
      </Pane>
      <Text wrap="truncate-end">
        <Text color={color('muted')}>Plan </Text>
        {planText(view.plan)}
      </Text>
      <Text wrap="truncate-end">
        <Text color={color('muted')}>Progress </Text>
        {progressText(view)}
      </Text>
      {view.halted ? (
        <Text color={color('error')} wrap="truncate-end">
          Halted: {view.halted.host}
          {view.halted.stepId ? ` at ${view.halted.stepId}` : ''}: {view.halted.reason}
        </Text>
      ) : (
        <Text color={color('muted')} wrap="truncate-end">
          {selected?.note ? `${selected.host}: ${selected.note}` : ' '}
        </Text>
      )}
    </ScreenLayout>
  );
}

/** The order hosts go in: `canary web1 → batch 1 web2 web3 → batch 2 web4`. */
export function planText(plan: FleetPlan): string {
  const parts = [
    ...(plan.canary.length ? [`canary ${plan.canary.join(' ')}`] : []),
    ...plan.batches.map((hosts, i) => `batch ${i + 1} ${hosts.join(' ')}`),
  ];
  return `${parts.join(' → ')} · halts after ${plan.maxFailures + 1} failed, or any on a canary`;
}

/** `1/3 hosts done · 1 running · 1 failed`: the counts that are not zero. */
export function progressText(view: FleetView): string {
  const count = (...statuses: string[]) =>
    view.hosts.filter((h) => statuses.includes(h.status)).length;
  const parts = [
    `${count('succeeded')}/${view.hosts.length} hosts done`,
    ...(
      [
        ['running', count('running', 'preparing')],
        ['failed', count('failed')],
        ['held', count('held')],
        ['skipped', count('skipped')],
        ['rolled back', count('rolled_back')],
      ] as const
    )
      .filter(([, n]) => n > 0)
      .map(([what, n]) => `${n} ${what}`),
  ];
  return parts.join(' · ');
}

/**
 * A host's phase screen, over the fleet's: its own state, first read from
 * the store as the screen opens, its core kept between visits.
 */
function HostScreen({
  core,
  running,
  version,
}: {
  core: TuiCore;
  running: string;
  version: string;
}) {
  const start = { runningVersion: running, runningCommit: '', tags: [], fixedVersion: version };
  return (
    <TuiProvider core={core} initial={{ ...initialState(start, 'phase'), ...core.synced() }}>
      <PhaseScreen />
    </TuiProvider>
  );
}
