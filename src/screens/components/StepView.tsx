import { Box } from 'ink';
import { useSyncExternalStore } from 'react';
import type { RunLog } from '../../export/runs.js';
import { stepTitle } from '../../steps/index.js';
import type { LineSource } from '../hooks/use-log-scroll.js';
import { commandBody } from './command-text.js';
import { clock, duration } from './format.js';
import { LineView } from './LineView.js';
import { windowRows } from './line-window.js';
import { Pane } from './Pane.js';
import { Text } from './Text.js';
import { color, ICONS, TONE_OF_STATUS } from './theme.js';

const noSubscribe = () => () => undefined;

/** `#2 ✓ 1.2s exit 0`: one attempt in the strip of attempts. */
function attemptLabel(run: RunLog): string {
  const time = run.durationMs === null ? '' : ` ${duration(run.durationMs)}`;
  const exit = run.exitCode === null ? '' : ` exit ${run.exitCode}`;
  return `#${run.attempt} ${ICONS[run.status]}${time}${exit}`;
}

/** What the attempt concluded, or why it ran or was skipped. */
function why(run: RunLog): string | undefined {
  if (run.status === 'skipped') return run.reason ? `reason: ${run.reason}` : undefined;
  return [run.summary, run.reason].filter(Boolean).join(' — ') || undefined;
}

export interface StepViewProps {
  stepId: string;
  runs: readonly RunLog[];
  /** The attempt shown: an index into `runs`. */
  shown: number;
  output: LineSource;
  /** From the view's LogScroll: the bottom line shown, null for the end. */
  bottom: number | null;
  wrap: boolean;
  width: number;
  height: number;
}

/**
 * A step opened from the step list: its attempts (switch with `[`/`]`),
 * each one's status, duration, exit code, what its check said (or why it
 * was skipped or retried), its command and its whole recorded output.
 */
export function StepView({
  stepId,
  runs,
  shown,
  output,
  bottom,
  wrap,
  width,
  height,
}: StepViewProps) {
  const run = runs[shown];
  const { lines } = useSyncExternalStore(noSubscribe, output.getSnapshot);
  const title = run
    ? `${stepId} ${stepTitle(stepId)} · attempt ${run.attempt} of ${runs.length}`
    : `${stepId} ${stepTitle(stepId)}`;
  const inner = width - 2;
  const command = run?.command ? commandBody(run.command)[0] : undefined;
  const head = run ? 3 + (command === undefined ? 0 : 1) : 1;
  const rows = Math.max(1, height - 2 - head);
  const { shown: visible, above } = windowRows(lines, rows, bottom, inner, wrap);
  return (
    <Pane title={title} width={width} height={height} focused>
      {run ? (
        <>
          <Text wrap="truncate-end">
            {runs.map((r, i) => (
              <Text
                key={r.attempt}
                inverse={i === shown}
                bold={i === shown}
                color={color(TONE_OF_STATUS[r.status] ?? 'info')}
              >
                {i ? '  ' : ''}
                {attemptLabel(r)}
              </Text>
            ))}
          </Text>
          <Text wrap="truncate-end">
            <Text bold color={color(TONE_OF_STATUS[run.status] ?? 'info')}>
              {run.status}
            </Text>
            {run.durationMs === null ? '' : ` in ${duration(run.durationMs)}`}
            {run.exitCode === null ? '' : ` · exit ${run.exitCode}`}
            {` · ${clock(Date.parse(run.startedAt))}`}
            {run.by ? ` by ${run.by}` : ''}
            {above ? ` · ${above} lines below` : ''}
          </Text>
          <Text wrap="truncate-end">{why(run) ?? ' '}</Text>
          {command === undefined ? null : (
            <Text wrap="truncate-end" color={color('muted')}>
              $ {command}
            </Text>
          )}
          <Box flexDirection="column" height={rows}>
            <LineView
              rows={visible}
              empty={run.status === 'skipped' ? 'Skipped: nothing ran.' : 'No output.'}
            />
          </Box>
        </>
      ) : (
        <Text color={color('muted')}>Not run yet.</Text>
      )}
    </Pane>
  );
}
