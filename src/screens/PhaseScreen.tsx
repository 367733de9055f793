import { Box } from 'ink';
import { CurrentStep } from './components/CurrentStep.js';
import { Header } from './components/Header.js';
import { HealthPane } from './components/HealthPane.js';
import { LogsPane } from './components/LogsPane.js';
import { Pane } from './components/Pane.js';
import { ResourcesPane } from './components/ResourcesPane.js';
import { StepList } from './components/StepList.js';
import { useLogScroll } from './hooks/use-log-scroll.js';
import { useTui } from './app/context.js';
import { requestRollback, requestSkip, retry, runNext, runPhase } from './intents/phase.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, fleetHostBindings, type Binding } from './app/bindings.js';
import { useFleetView } from './hooks/use-fleet-view.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { phaseLayout } from './phase-layout.js';

/**
 * The phase screen (and, in rollback mode, the Rollback screen): the step
 * list, the current step and its command, and the Logs, Resources and
 * Health panes. Keys run, retry, skip and roll back through the intents;
 * for one host of a fleet, they act on that host through the rollout.
 */
export function PhaseScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const layout = phaseLayout(columns, rows);
  const scroll = useLogScroll(core.lines);
  const logRows = layout.logsHeight - 2;
  const rollingBack = state.deployment?.mode === 'rollback';
  const next = state.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  const failed = next?.status === 'failed';
  const logsFocused = state.focus === 'logs';
  const fleet = useFleetView(core);
  const host = core.fleet?.host;
  const runBindings: Binding[] = fleet
    ? fleetHostBindings(
        core,
        fleet,
        fleet.hosts.find((h) => h.host === host),
      )
    : [
        {
          keys: ['continue'],
          label: next && !failed ? `run ${next.id}` : 'next',
          short: 'next',
          help: 'run the next step',
          run: () => void runNext(core),
        },
        {
          keys: ['runPhase'],
          label: next ? `run phase ${next.phase}` : 'phase',
          short: 'phase',
          help: 'run the rest of the phase',
          run: () => void runPhase(core),
        },
        {
          keys: ['retry'],
          label: 'retry',
          help: 'retry the failed step',
          run: () => void retry(core),
        },
        {
          keys: ['skip'],
          label: 'skip',
          help: 'skip the next step (asks a reason)',
          run: () => requestSkip(core),
        },
        {
          keys: ['rollback'],
          label: rollingBack ? 'continue the rollback' : 'roll back',
          short: 'rollback',
          help: rollingBack
            ? 'continue the rollback (asks y to confirm)'
            : 'roll back (asks y to confirm)',
          // During a rollback Enter and A run its steps; R stays out of the bar as before.
          show: rollingBack ? 'help' : 'bar',
          run: () => requestRollback(core),
        },
      ];
  const bindings: Binding[] = [
    ...runBindings,
    {
      keys: ['focusNext'],
      label: 'pane',
      help: 'focus the next pane (Logs, Resources, Health)',
      show: 'optional',
      run: () => core.dispatch({ type: 'focus-next' }),
    },
    {
      keys: ['up', 'down'],
      label: 'scroll',
      help: 'scroll the Logs pane a line (when it has focus)',
      show: 'help',
      enabled: logsFocused,
      run: (action) => (action === 'up' ? scroll.up(1) : scroll.down(1)),
    },
    {
      keys: ['pageUp', 'pageDown'],
      label: 'page',
      help: 'scroll the Logs pane a page',
      show: 'help',
      run: (action) => (action === 'pageUp' ? scroll.up(logRows) : scroll.down(logRows)),
    },
    ...commonBindings(core, state),
  ];
  return (
    <ScreenLayout bindings={bindings} width={layout.width}>
      <Header
        title={
          fleet
            ? `cvd-tui Fleet ${fleet.group}`
            : rollingBack
              ? 'cvd-tui Rollback'
              : 'cvd-tui Deploy'
        }
        width={layout.width}
      />
      <Box height={layout.topHeight}>
        <Pane
          title={rollingBack ? 'Emergency Rollback' : 'Steps'}
          width={layout.stepsWidth}
          height={layout.topHeight}
        >
          <StepList steps={state.steps} width={layout.stepsWidth - 2} rows={layout.topHeight - 2} />
        </Pane>
        <Box flexDirection="column" width={layout.sideWidth}>
          <ResourcesPane
            store={core.resources}
            thresholds={core.deps.target.thresholds}
            width={layout.sideWidth}
            height={layout.resourcesHeight}
            focused={state.focus === 'resources'}
          />
          <HealthPane
            store={core.health}
            width={layout.sideWidth}
            height={layout.healthHeight}
            focused={state.focus === 'health'}
          />
        </Box>
      </Box>
      <CurrentStep rows={layout.currentRows} width={layout.width} />
      <LogsPane
        store={core.lines}
        width={layout.width}
        height={layout.logsHeight}
        focused={state.focus === 'logs'}
        bottom={scroll.bottom}
      />
    </ScreenLayout>
  );
}
