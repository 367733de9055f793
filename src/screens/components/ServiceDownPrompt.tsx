import { Box } from 'ink';
import type { TargetState } from '../../engine/target-state.js';
import type { Binding } from '../app/bindings.js';
import { useTui } from '../app/context.js';
import { useBindings } from '../hooks/use-bindings.js';
import { useNow } from '../hooks/use-now.js';
import { quitAnyway, interrupt } from '../intents/exit.js';
import { requestRollback, startService } from '../intents/phase.js';
import { stepRange } from '../intents/service-down.js';
import { clock } from './format.js';
import { KeyBar } from './KeyBar.js';
import { downtime } from './strip-text.js';
import { Text } from './Text.js';
import { color } from './theme.js';

export interface ServiceDownPromptProps {
  target: TargetState;
  /** The key that asked: "quit anyway" leaves as it would (Ctrl-C: exit 130). */
  via: 'quit' | 'interrupt';
  width: number;
}

/**
 * Asked by `q` or Ctrl-C while the service is down: Enter starts it (the
 * steps through 3.1, or R.6), `R` rolls back (asks `y`), `q` quits leaving
 * it down, Esc stays. Ctrl-C again quits too (App hears it).
 */
export function ServiceDownPrompt({ target, via, width }: ServiceDownPromptProps) {
  const { state, core } = useTui();
  const now = useNow(true);
  const name = core.deps.target.serviceName;
  const rollingBack = state.deployment?.mode === 'rollback';
  const close = () => core.dispatch({ type: 'close-overlay' });
  const bindings: Binding[] = [
    {
      keys: ['continue'],
      label: `start ${name} (run ${stepRange(target.startRuns ?? [])})`,
      short: `start ${name}`,
      enabled: target.startRuns !== undefined,
      run: () => (close(), void startService(core)),
    },
    {
      keys: ['rollback'],
      label: rollingBack ? 'continue the rollback' : 'roll back',
      run: () => (close(), requestRollback(core)),
    },
    {
      keys: ['quit'],
      label: 'quit anyway',
      run: () => (close(), via === 'interrupt' ? interrupt(core, true) : quitAnyway(core)),
    },
    { keys: ['cancel'], label: 'stay', run: close },
  ];
  useBindings(bindings, true);
  const since = target.downSince ?? now;
  const blocked = target.startRuns
    ? ''
    : ` ${target.next?.id ?? 'A step'} failed: retry or skip it to reach ${target.startStep ?? 'the start'}.`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color('error')} bold>
          {name} is DOWN {downtime(now - since)}
        </Text>{' '}
        (since {clock(since)}, stopped by {target.stoppedBy}).{blocked} Quit leaving it down?
      </Text>
      <KeyBar bindings={bindings} width={width} />
    </Box>
  );
}
