import { ChecklistScreen } from '../ChecklistScreen.js';
import { FleetScreen } from '../FleetScreen.js';
import { MonitorScreen } from '../MonitorScreen.js';
import { PhaseScreen } from '../PhaseScreen.js';
import { StartScreen } from '../StartScreen.js';
import { SummaryScreen } from '../SummaryScreen.js';
import { useBindings } from '../hooks/use-bindings.js';
import { interruptBinding } from './bindings.js';
import { useTui } from './context.js';
import type { Stage } from './state.js';

/**
 * Picks the screen for the stage and hears Ctrl-C everywhere, prompts
 * included. Each screen declares its own keys (ScreenLayout).
 */
export function App() {
  const { state, core } = useTui();
  useBindings([interruptBinding(core, state)], true);
  return <Screen stage={state.stage} />;
}

/** One screen per stage: a new stage does not compile until it has a screen here. */
function Screen({ stage }: { stage: Stage }) {
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
    case 'fleet':
      return <FleetScreen />;
    default:
      return unreachable(stage);
  }
}

function unreachable(stage: never): never {
  throw new Error(`no screen for stage ${String(stage)}`);
}
