import { Box } from 'ink';
import { Text } from './Text.js';
import { useMemo } from 'react';
import { commandBody } from './command-text.js';
import { useTui } from '../app/context.js';
import { duration, outcomeText } from './format.js';
import { color, ICONS, TONE_OF_STATUS } from './theme.js';
import { useNow } from '../hooks/use-now.js';

/**
 * The step that matters now (running, else failed, else next) and its
 * command: the masked script of the attempt that started, or a preview of
 * the next one. `rows` lines in all: one status line, the rest command.
 */
export function CurrentStep({ rows, width }: { rows: number; width: number }) {
  const { state, core } = useTui();
  const { steps, current } = state;
  const step =
    steps.find((s) => s.status === 'running') ??
    steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped') ??
    steps.find((s) => s.id === current?.stepId);
  const running = step?.status === 'running';
  const now = useNow(running);
  const started = current?.stepId === step?.id ? current?.command : undefined;
  const stepId = step?.id;
  const attempts = step?.attempts;
  const ended = step && outcomeText(step.status, step.summary);
  // The preview reads facts from the store: only when the step or its attempt changes.
  const preview = useMemo(
    () => (stepId && !started && attempts !== undefined ? core.commandPreview(stepId) : undefined),
    [core, stepId, started, attempts],
  );
  if (!step) return <Box height={rows} />;
  const phrase =
    step.status === 'running'
      ? `running ${duration(Math.max(0, now - (step.startedAt ?? now)))}`
      : step.status === 'pending'
        ? 'next'
        : ended;
  const lines = commandBody(started ?? preview ?? '').slice(0, Math.max(0, rows - 1));
  return (
    <Box flexDirection="column" height={rows} width={width}>
      <Text wrap="truncate-end">
        <Text color={color(TONE_OF_STATUS[step.status] ?? 'info')}>{ICONS[step.status]} </Text>
        <Text bold>
          {step.id} {step.title}
        </Text>{' '}
        — {phrase}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} color={color('muted')} wrap="truncate-end">
          {i === 0 ? '$ ' : '  '}
          {line}
        </Text>
      ))}
    </Box>
  );
}
