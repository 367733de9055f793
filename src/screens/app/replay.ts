import type { StateStore } from '../../state/store.js';
import type { LineStore } from '../stores/line-store.js';
import { readableOutput } from './fact-text.js';
import { endNote, startNote } from './log-notes.js';

/**
 * Puts a deployment's recorded output back in the Logs pane, as it was
 * shown live: after a resume the pane goes on from the earlier steps'
 * output, not from "No output yet.". The ring keeps the newest lines; the
 * whole record stays in the store (and in each step's view).
 */
export function replayRecorded(store: StateStore, deploymentId: string, lines: LineStore): void {
  const attempts = store.attempts(deploymentId);
  if (!attempts.length) return;
  const recorded = store.facts(deploymentId);
  const shown: Parameters<LineStore['push']>[] = [
    ['── earlier output, from the state record ──', 'note'],
  ];
  for (const a of attempts) {
    if (a.status !== 'skipped') {
      shown.push([startNote(a.stepId, a.attempt), 'note']);
      const output = store.output(deploymentId, a.stepId, a.attempt);
      for (const line of readableOutput(output, recorded)) shown.push([line.text, line.source]);
    }
    if (a.status !== 'running')
      shown.push([
        endNote(a.stepId, a.status, a.summary ?? a.reason ?? ''),
        'note',
        a.status === 'failed',
      ]);
  }
  // Only what the ring keeps is worth making inert: a step may have printed 200,000 lines.
  for (const args of shown.slice(-lines.capacity)) lines.push(...args);
}
