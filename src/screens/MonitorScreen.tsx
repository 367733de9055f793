import { Box } from 'ink';
import { Text } from './components/Text.js';
import { useSyncExternalStore } from 'react';
import { FOOTER_ROWS } from './components/Footer.js';
import { Header } from './components/Header.js';
import { SamplePane } from './components/SamplePane.js';
import { monitorThresholds } from '../monitor/evaluate.js';
import { limitsLine } from '../monitor/format.js';
import { useTui } from './app/context.js';
import { clock } from './components/format.js';
import { leaveMonitor } from './intents/monitor.js';
import { requestRollback } from './intents/phase.js';
import { keyLabel } from './app/keys.js';
import type { MonitorSession, MonitorView } from './app/monitor-session.js';
import { color } from './components/theme.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, type Binding } from './app/bindings.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

const STATUS_TONE = { watching: 'info', passed: 'ok', breached: 'error', stopped: 'warn' } as const;

function statusText(v: MonitorView): string {
  switch (v.status) {
    case 'watching':
      return `watching: a sample every ${v.intervalSeconds} s until ${clock(v.endsAt)}`;
    case 'passed':
      return `passed: ${v.summary}`;
    case 'breached':
      return 'BREACHED: a limit was broken';
    case 'stopped':
      return `stopped: ${v.reason}`;
  }
}

/**
 * The runbook's Post-Deployment Monitoring, live: each sample against the
 * limits, a breach in red with the rollback offered (`R`, confirmed with
 * `y`, runs on the Rollback screen). Esc goes back to the summary.
 */
export function MonitorScreen() {
  const { core } = useTui();
  // Opened only by startMonitoring, which sets the session first.
  return core.monitor ? <Watching session={core.monitor} /> : null;
}

function Watching({ session }: { session: MonitorSession }) {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const view = useSyncExternalStore(session.view.subscribe, session.view.getSnapshot);
  const bindings: Binding[] = [
    {
      keys: ['rollback'],
      label: 'roll back',
      short: 'rollback',
      help: 'roll back (asks y to confirm); the rollback runs on the Rollback screen',
      run: () => requestRollback(core),
    },
    {
      keys: ['cancel'],
      label: view.status === 'watching' ? 'stop, back to summary' : 'back to summary',
      short: 'back',
      run: () => leaveMonitor(core, 'summary', 'stopped by the operator'),
    },
    ...commonBindings(core, state),
  ];
  const breachRows = view.breaches.length ? view.breaches.length + 1 : 0;
  // Header, status and limits lines, the breach lines and the footer; the samples get the rest.
  const paneHeight = Math.max(4, rows - 1 - 3 - breachRows - FOOTER_ROWS);
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      <Header title="cvd-tui Monitor" width={columns} />
      <Text bold color={color(STATUS_TONE[view.status])} wrap="truncate-end">
        Post-deployment monitoring — {statusText(view)}
      </Text>
      <Text color={color('muted')} wrap="truncate-end">
        {limitsLine(monitorThresholds(core.deps.target))}
      </Text>
      <SamplePane rows={view.rows} width={columns} height={paneHeight} />
      {view.breaches.length ? (
        <Box flexDirection="column">
          {view.breaches.map((b) => (
            <Text key={b.metric} bold color={color('error')} wrap="truncate-end">
              BREACH: {b.message}
            </Text>
          ))}
          <Text bold color={color('error')} wrap="truncate-end">
            {`${keyLabel('rollback')}: roll back to ${state.deployment?.versionFrom ?? 'the previous version'} (asks y to confirm)`}
          </Text>
        </Box>
      ) : null}
    </ScreenLayout>
  );
}
