import type { Dispatch } from 'react';
import type { EngineEvent } from '../../engine/events.js';
import type { Runner } from '../../engine/runner.js';
import { stepTitle } from '../../steps/index.js';
import { outcomeText } from '../components/format.js';
import type { LineStore } from '../stores/line-store.js';
import type { Action } from './state.js';

const END_ICON: Record<string, string> = {
  succeeded: '✓',
  failed: '✗',
  skipped: '↷',
  running: '?',
};

/**
 * Turns engine events into what the screens use: output lines (many, up to
 * thousands a second) go to the batched line store, never through React
 * state; step starts and ends (rare) become reducer actions and a re-read of
 * the store. Returns the unsubscribe function.
 */
export function bridgeEngine(
  runner: Runner,
  lines: LineStore,
  dispatch: Dispatch<Action>,
  sync: () => void,
): () => void {
  return runner.on((event: EngineEvent) => {
    switch (event.type) {
      case 'line':
        return lines.push(event.line, event.fact ? 'fact' : 'step');
      case 'step-start':
        lines.push(
          `── ${event.stepId} ${stepTitle(event.stepId)} (attempt ${event.attempt}) ──`,
          'note',
        );
        dispatch({
          type: 'step-started',
          stepId: event.stepId,
          attempt: event.attempt,
          command: event.command,
        });
        return sync();
      case 'step-end':
        lines.push(
          `${END_ICON[event.status] ?? '·'} ${event.stepId} ${outcomeText(event.status, event.summary)}`,
          'note',
          event.status === 'failed',
        );
        for (const warning of event.warnings) lines.push(`  warning: ${warning}`, 'note');
        return sync();
      case 'status':
        return sync();
      case 'warning':
        lines.push(`warning: ${event.message}`, 'note', true);
        return sync();
    }
  });
}
