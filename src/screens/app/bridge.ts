import type { Dispatch } from 'react';
import type { EngineEvent } from '../../engine/events.js';
import type { Runner } from '../../engine/runner.js';
import { shownFactParts } from '../../steps/facts.js';
import type { LineStore } from '../stores/line-store.js';
import { readableFacts, type Fact } from './fact-text.js';
import { endNote, startNote } from './log-notes.js';
import type { Action } from './state.js';

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
  // A step's facts come in a run of lines: shown as one readable line once the run ends.
  let facts: Fact[] = [];
  const flushFacts = () => {
    if (facts.length) lines.push(readableFacts(facts), 'fact');
    facts = [];
  };
  return runner.on((event: EngineEvent) => {
    // Only a line the engine flagged (its nonce checked) is read as a fact; any other is text.
    const fact = event.type === 'line' && event.fact ? shownFactParts(event.line) : undefined;
    if (fact) return void facts.push(fact);
    flushFacts();
    switch (event.type) {
      case 'line':
        return lines.push(event.line, 'step');
      case 'step-start':
        lines.push(startNote(event.stepId, event.attempt), 'note');
        dispatch({
          type: 'step-started',
          stepId: event.stepId,
          attempt: event.attempt,
          command: event.command,
        });
        return sync();
      case 'step-end':
        lines.push(
          endNote(event.stepId, event.status, event.summary),
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
