import { Box } from 'ink';
import { ChecklistScreen } from '../ChecklistScreen.js';
import { HelpScreen } from '../HelpScreen.js';
import { MonitorScreen } from '../MonitorScreen.js';
import { PhaseScreen } from '../PhaseScreen.js';
import { StartScreen } from '../StartScreen.js';
import { SummaryScreen } from '../SummaryScreen.js';
import { useTui } from './context.js';
import { interrupt, quit } from '../intents/exit.js';
import { exportLog } from '../intents/phase.js';
import { useKeys } from '../hooks/use-keys.js';
import type { UiState } from './state.js';

/**
 * Picks the screen for the stage; handles the keys every screen shares
 * (help, export, quit, Ctrl-C). Screens handle their own keys, each gated so
 * that a prompt or the help screen has the keyboard to itself.
 */
export function App() {
  const { state, core } = useTui();
  const help = state.overlay?.kind === 'help';
  // Ctrl-C is heard everywhere, prompts included: the operator must always be able to leave.
  useKeys((action) => {
    if (action === 'interrupt')
      interrupt(core, state.overlay?.kind === 'confirm' && state.overlay.intent === 'interrupt');
  }, true);
  useKeys((action) => {
    if (help) {
      if (action === 'help' || action === 'cancel' || action === 'quit')
        core.dispatch({ type: 'close-overlay' });
      return;
    }
    if (action === 'help') core.dispatch({ type: 'overlay', overlay: { kind: 'help' } });
    if (action === 'quit') quit(core);
    if (action === 'export') exportLog(core);
  }, !state.overlay || help);
  // The screen stays mounted under the help (hidden), keeping its cursor and scroll position.
  return (
    <>
      {help ? <HelpScreen /> : null}
      <Box display={help ? 'none' : 'flex'} flexDirection="column">
        <Screen stage={state.stage} />
      </Box>
    </>
  );
}

function Screen({ stage }: { stage: UiState['stage'] }) {
  switch (stage) {
    case 'start':
      return <StartScreen />;
    case 'checklist':
      return <ChecklistScreen />;
    case 'phase':
      return <PhaseScreen />;
    case 'summary':
      return <SummaryScreen />;
    case 'monitor':
      return <MonitorScreen />;
  }
}
