import { Text } from './Text.js';
import { PHASES } from '../../steps/index.js';
import { duration, fit } from './format.js';
import type { StepRow } from '../app/state.js';
import { color, ICONS, TONE_OF_STATUS } from './theme.js';
import { useNow } from '../hooks/use-now.js';

type IconName = keyof typeof ICONS;

/** A phase's icon: failed or running wins, then done, partly done, not started. */
function phaseIcon(steps: readonly StepRow[]): IconName {
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  if (steps.some((s) => s.status === 'running')) return 'running';
  if (steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')) return 'succeeded';
  return steps.some((s) => s.status !== 'pending') ? 'partial' : 'pending';
}

interface RowProps {
  icon: IconName;
  text: string;
  time: string;
  width: number;
  bold?: boolean;
  indent?: boolean;
  /** The step list's cursor is on it. */
  selected?: boolean;
}

function Row({ icon, text, time, width, bold, indent, selected }: RowProps) {
  const lead = selected ? '▸ ' : indent ? '  ' : '';
  const room = Math.max(4, width - lead.length - 2 - time.length - 1);
  return (
    <Text wrap="truncate-end" bold={bold} inverse={selected}>
      {lead}
      <Text color={color(TONE_OF_STATUS[icon] ?? 'muted')}>{ICONS[icon]} </Text>
      {fit(text, room).padEnd(room)} <Text color={color('muted')}>{time}</Text>
    </Text>
  );
}

export interface StepListProps {
  steps: readonly StepRow[];
  /** Content width (inside the pane's borders). */
  width: number;
  /** Content rows: every phase's steps are listed when they fit, else only the current phase's. */
  rows: number;
  /** The step the cursor is on (the list has focus): its phase is the one expanded. */
  selected?: string;
}

/** The phases and steps with status icons and durations (a running step's time ticks). */
export function StepList({ steps, width, rows, selected }: StepListProps) {
  const running = steps.find((s) => s.status === 'running');
  const now = useNow(Boolean(running));
  const phases = PHASES.filter((p) => steps.some((s) => s.phase === p.id));
  const current =
    steps.find((s) => s.id === selected)?.phase ??
    running?.phase ??
    steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped')?.phase;
  const expandAll = phases.length + steps.length <= rows;
  return (
    <>
      {phases.map((phase) => {
        const own = steps.filter((s) => s.phase === phase.id);
        const total = own.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
        const expanded = expandAll || phase.id === current || phases.length === 1;
        return [
          <Row
            key={phase.id}
            icon={phaseIcon(own)}
            text={`${phase.id} ${phase.title}`}
            time={total ? duration(total) : ''}
            width={width}
            bold={phase.id === current}
          />,
          ...(expanded
            ? own.map((s) => (
                <Row
                  key={s.id}
                  icon={s.status}
                  text={`${s.id} ${s.title}`}
                  indent
                  selected={s.id === selected}
                  time={
                    s.status === 'running' && s.startedAt
                      ? duration(Math.max(0, now - s.startedAt))
                      : duration(s.durationMs)
                  }
                  width={width}
                />
              ))
            : []),
        ];
      })}
    </>
  );
}
