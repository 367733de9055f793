import { Box } from 'ink';
import { CurrentStep } from './components/CurrentStep.js';
import { Footer } from './components/Footer.js';
import { Frame } from './components/Frame.js';
import { Header } from './components/Header.js';
import { HealthPane } from './components/HealthPane.js';
import type { KeyHint } from './components/KeyBar.js';
import { LogsPane } from './components/LogsPane.js';
import { Pane } from './components/Pane.js';
import { ResourcesPane } from './components/ResourcesPane.js';
import { StepList } from './components/StepList.js';
import { useLogScroll } from './hooks/use-log-scroll.js';
import { useTui } from './app/context.js';
import { requestRollback, requestSkip, retry, runNext, runPhase } from './intents/phase.js';
import { useKeys } from './hooks/use-keys.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { phaseLayout } from './phase-layout.js';

/**
 * The phase screen (and, in rollback mode, the Rollback screen): the step
 * list, the current step and its command, and the Logs, Resources and
 * Health panes. Keys run, retry, skip and roll back through the intents.
 */
export function PhaseScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const layout = phaseLayout(columns, rows);
  const scroll = useLogScroll(core.lines);
  const logRows = layout.logsHeight - 2;
  useKeys((action) => {
    switch (action) {
      case 'continue':
        return void runNext(core);
      case 'runPhase':
        return void runPhase(core);
      case 'retry':
        return void retry(core);
      case 'skip':
        return requestSkip(core);
      case 'rollback':
        return requestRollback(core);
      case 'focusNext':
        return core.dispatch({ type: 'focus-next' });
      case 'up':
        return state.focus === 'logs' ? scroll.up(1) : undefined;
      case 'down':
        return state.focus === 'logs' ? scroll.down(1) : undefined;
      case 'pageUp':
        return scroll.up(logRows);
      case 'pageDown':
        return scroll.down(logRows);
    }
  }, !state.overlay);
  const rollingBack = state.deployment?.mode === 'rollback';
  const next = state.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  const failed = next?.status === 'failed';
  const hints: KeyHint[] = [
    { action: 'continue', label: next && !failed ? `run ${next.id}` : 'next', short: 'next' },
    { action: 'runPhase', label: next ? `run phase ${next.phase}` : 'phase', short: 'phase' },
    { action: 'retry', label: 'retry' },
    { action: 'skip', label: 'skip' },
    ...(rollingBack
      ? []
      : [{ action: 'rollback' as const, label: 'roll back', short: 'rollback' }]),
    { action: 'focusNext', label: 'pane', optional: true },
    { action: 'export', label: 'export' },
    { action: 'help', label: 'help' },
    { action: 'quit', label: 'quit' },
  ];
  return (
    <Frame>
      <Header title={rollingBack ? 'cvd-tui Rollback' : 'cvd-tui Deploy'} width={layout.width} />
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
      <Footer hints={hints} width={layout.width} />
    </Frame>
  );
}
