import { stepTitle } from '../../steps/index.js';
import { outcomeText } from '../components/format.js';

const END_ICON: Record<string, string> = {
  succeeded: '✓',
  failed: '✗',
  skipped: '↷',
  running: '?',
};

/** What the Logs pane says when an attempt starts: live, and when the record is read back after a resume. */
export const startNote = (stepId: string, attempt: number): string =>
  `── ${stepId} ${stepTitle(stepId)} (attempt ${attempt}) ──`;

/** What it says when an attempt ends. */
export const endNote = (stepId: string, status: string, summary: string): string =>
  `${END_ICON[status] ?? '·'} ${stepId} ${outcomeText(status, summary)}`;
