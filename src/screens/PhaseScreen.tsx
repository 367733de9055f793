import { Box } from 'ink';
import { CurrentStep } from './components/CurrentStep.js';
import { Header } from './components/Header.js';
import { HealthPane } from './components/HealthPane.js';
import { LogsPane } from './components/LogsPane.js';
import { Pane } from './components/Pane.js';
import { ResourcesPane } from './components/ResourcesPane.js';
import { StatusStrip } from './components/StatusStrip.js';
import { StepList } from './components/StepList.js';
import { StepView } from './components/StepView.js';
import { logsBindings, useLogsReader } from './hooks/use-logs-reader.js';
import { stepListBindings, stepViewBindings, useStepBrowser } from './hooks/use-step-browser.js';
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
  const logRows = layout.logsHeight - 2;
  const reader = useLogsReader(core, logRows);
  const browser = useStepBrowser(core, state.steps);
  // The step view takes the step list's, the command's and the Logs pane's rows.
  const viewHeight = layout.topHeight + layout.currentRows + layout.logsHeight;
  // Its output's rows: less its borders and the four lines above the output.
  const viewRows = viewHeight - 6;
  const rollingBack = state.deployment?.mode === 'rollback';
  const next = state.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  const failed = next?.status === 'failed';
  const logsFocused = state.focus === 'logs';
  const stepsFocused = state.focus === 'steps';
  // While a step or a check runs, the keys that start work would only be refused: they are off.
  const idle = !state.busy;
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
          enabled: !stepsFocused && idle && next !== undefined,
          run: () => void runNext(core),
        },
        {
          keys: ['runPhase'],
          label: next ? `run phase ${next.phase}` : 'phase',
          short: 'phase',
          help: 'run the rest of the phase',
          enabled: idle && next !== undefined,
          run: () => void runPhase(core),
        },
        {
          keys: ['retry'],
          label: 'retry',
          help: 'retry the failed step',
          enabled: idle && failed,
          run: () => void retry(core),
        },
        {
          keys: ['skip'],
          label: 'skip',
          help: 'skip the next step (asks a reason)',
          enabled: idle && next !== undefined,
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
          enabled: idle,
          run: () => requestRollback(core),
        },
      ];
  const screenBindings: Binding[] = [
    // Enter opens a step only while the step list has focus; elsewhere it runs the next step.
    ...stepListBindings(browser, stepsFocused),
    ...runBindings,
    {
      keys: ['focusNext'],
      label: 'pane',
      help: 'focus the next pane (Logs, Resources, Health, Steps)',
      run: () => core.dispatch({ type: 'focus-next' }),
    },
    ...logsBindings(reader, logsFocused, logRows),
    ...commonBindings(core, state),
  ];
  const title = fleet
    ? `cvd-tui Fleet ${fleet.group}`
    : rollingBack
      ? 'cvd-tui Rollback'
      : 'cvd-tui Deploy';
  // While a search is typed the input has the keys; an open step view has its own.
  const bindings: Binding[] = reader.search.typing
    ? []
    : browser.open
      ? [...stepViewBindings(browser, viewRows), ...commonBindings(core, state)]
      : screenBindings;
  // An open step view takes the screen under the header (an early return: the layout below stays as it was).
  if (browser.open)
    return (
      <ScreenLayout bindings={bindings} width={layout.width}>
        <Header title={title} width={layout.width} />
        <StepView
          stepId={browser.open.stepId}
          runs={browser.open.runs}
          shown={browser.open.shown}
          output={browser.output}
          bottom={browser.scroll.bottom}
          wrap={browser.wrap}
          width={layout.width}
          height={viewHeight}
        />
      </ScreenLayout>
    );
  return (
    <ScreenLayout bindings={bindings} width={layout.width}>
      <Header title={title} width={layout.width} />
      <StatusStrip
        state={state.target}
        serviceName={core.deps.target.serviceName}
        width={layout.width}
      />
      <Box height={layout.topHeight}>
        <Pane
          title={rollingBack ? 'Emergency Rollback' : 'Steps'}
          width={layout.stepsWidth}
          height={layout.topHeight}
          focused={stepsFocused}
        >
          <StepList
            steps={state.steps}
            width={layout.stepsWidth - 2}
            rows={layout.topHeight - 2}
            selected={stepsFocused ? browser.selected : undefined}
          />
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
        store={reader.store}
        appLog={reader.appLog}
        appLogUnseen={reader.appLogUnseen}
        width={layout.width}
        height={layout.logsHeight}
        focused={logsFocused}
        bottom={reader.scroll.bottom}
        wrap={reader.wrap}
        search={reader.search}
      />
    </ScreenLayout>
  );
}
