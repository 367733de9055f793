import { Box } from 'ink';
import type { FleetHostStatus, FleetHostView } from '../../fleet/view.js';
import { windowStart } from '../hooks/use-cursor.js';
import { duration, fit } from './format.js';
import { Text } from './Text.js';
import { color, ICONS, TONE_OF_STATUS, type Tone } from './theme.js';

/** Every column but the host's, in columns: what the widest value of each needs. */
const COLUMNS = [
  { title: 'plan', width: 7 },
  { title: 'version', width: 8 },
  { title: 'ph', width: 2 },
  { title: 'step', width: 6 },
  { title: 'status', width: 11 },
  { title: 'health', width: 7 },
  { title: 'down', width: 7 },
] as const;
const CURSOR = 2;
const FIXED = CURSOR + COLUMNS.reduce((sum, c) => sum + c.width + 1, 0);
/** A host name longer than this is cut: the rest of the row matters more. */
const HOST_MAX = 28;

const STATUS_TONE: Record<FleetHostStatus, Tone | undefined> = {
  waiting: undefined,
  preparing: 'warn',
  running: 'warn',
  succeeded: 'ok',
  failed: 'error',
  skipped: 'muted',
  rolled_back: 'info',
  held: 'muted',
};
const HEALTH_TONE = { ok: 'ok', failing: 'error', unknown: 'muted' } as const;

/** A host's downtime: the total so far, counting on (`▼`) while its service is down. */
export function downtime(host: FleetHostView, now: number): string {
  const ms = host.downtimeMs + (host.downSince === null ? 0 : Math.max(0, now - host.downSince));
  if (host.downSince !== null) return `▼ ${duration(ms)}`;
  return ms > 0 ? duration(ms) : '';
}

function cells(host: FleetHostView, hostWidth: number, now: number): [string, Tone | undefined][] {
  const step = host.currentStep;
  return [
    [fit(host.host, hostWidth), undefined],
    [host.batch === 'canary' ? 'canary' : `batch ${host.batch}`, 'muted'],
    [host.versionRunning ?? '?', undefined],
    [host.phase === null ? '-' : String(host.phase), undefined],
    [step ? `${ICONS[step.status]} ${step.id}` : '-', step ? TONE_OF_STATUS[step.status] : 'muted'],
    [host.status.replace('_', ' '), STATUS_TONE[host.status]],
    [host.health === 'unknown' ? '?' : host.health, HEALTH_TONE[host.health]],
    [downtime(host, now), host.downSince === null ? undefined : 'error'],
  ];
}

export interface FleetTableProps {
  hosts: readonly FleetHostView[];
  selected: number;
  /** Inside the pane's borders. */
  width: number;
  /** Rows for hosts, below the column titles. */
  rows: number;
  now: number;
}

/** One row per host: where it sits in the plan, what it runs, where it is, how it is, how long it was down. */
export function FleetTable({ hosts, selected, width, rows, now }: FleetTableProps) {
  const hostWidth = Math.max(6, Math.min(HOST_MAX, width - FIXED - 1));
  const widths = [hostWidth, ...COLUMNS.map((c) => c.width)];
  const line = (values: [string, Tone | undefined][]) =>
    values.map(([text, tone], i) => (
      <Text key={i} color={tone && color(tone)}>
        {fit(text, widths[i]!).padEnd(widths[i]! + 1)}
      </Text>
    ));
  const first = windowStart(selected, hosts.length, rows);
  return (
    <Box flexDirection="column">
      <Text color={color('muted')} wrap="truncate-end">
        {' '.repeat(CURSOR)}
        {line([
          ['host', undefined],
          ...COLUMNS.map((c): [string, undefined] => [c.title, undefined]),
        ])}
      </Text>
      {hosts.slice(first, first + rows).map((host, i) => {
        const here = first + i === selected;
        return (
          <Text key={host.host} wrap="truncate-end" bold={here}>
            <Text color={color('accent')}>{here ? '▸ ' : '  '}</Text>
            {line(cells(host, hostWidth, now))}
          </Text>
        );
      })}
    </Box>
  );
}
