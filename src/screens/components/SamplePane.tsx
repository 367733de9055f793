import { Text } from './Text.js';
import { SAMPLE_HEADER, sampleLine } from '../../monitor/format.js';
import type { MonitorRow } from '../app/monitor-session.js';
import { color } from './theme.js';
import { Pane } from './Pane.js';

/** A sample's tone: red when it breaks a limit, yellow when it could not be taken, green within the limits. */
const toneOf = (row: MonitorRow) =>
  row.breaches.length ? 'error' : row.sample.error ? 'warn' : 'ok';

export interface SamplePaneProps {
  rows: readonly MonitorRow[];
  width: number;
  /** Total height, borders included. */
  height: number;
}

/** The newest samples that fit, one aligned line each (the headless monitor's columns), coloured by breach. */
export function SamplePane({ rows, width, height }: SamplePaneProps) {
  const room = Math.max(1, height - 3);
  return (
    <Pane title="Samples" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {SAMPLE_HEADER}
      </Text>
      {rows.length ? (
        rows.slice(-room).map((row) => (
          <Text
            key={row.sample.at}
            color={color(toneOf(row))}
            bold={row.breaches.length > 0}
            wrap="truncate-end"
          >
            {sampleLine(row.sample)}
            {row.breaches.length ? '  BREACH' : ''}
          </Text>
        ))
      ) : (
        <Text color={color('muted')}>taking the first sample…</Text>
      )}
    </Pane>
  );
}
