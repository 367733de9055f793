import { Text } from './Text.js';
import { useSyncExternalStore } from 'react';
import type { HealthReading, HealthSample } from '../probes/health.js';
import type { ValueStore } from '../tui/value-store.js';
import { color } from '../tui/theme.js';
import { Pane } from './Pane.js';

function Reading({ r }: { r: HealthReading }) {
  const path = r.path.padEnd(17);
  if (r.code === undefined)
    return (
      <Text wrap="truncate-end">
        {path}
        <Text color={color('error')}>
          no answer ({/\bE[A-Z]{3,}\b/.exec(r.error ?? '')?.[0] ?? r.error})
        </Text>
      </Text>
    );
  const good = r.code >= 200 && r.code < 300 && (r.name !== 'detailed' || r.status === 'healthy');
  return (
    <Text wrap="truncate-end">
      {path}
      <Text color={color(good ? 'ok' : 'error')} bold={!good}>
        {r.name === 'detailed' ? `${r.status ?? '?'} (${r.code})` : String(r.code)}
      </Text>
      <Text color={color('muted')}> {r.latencyMs} ms</Text>
    </Text>
  );
}

export interface HealthPaneProps {
  store: ValueStore<HealthSample | undefined>;
  width: number;
  height: number;
  focused: boolean;
}

/** /health, /health/detailed's status and /health/database: code and latency, polled with undici. */
export function HealthPane({ store, width, height, focused }: HealthPaneProps) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return (
    <Pane
      title={s?.via === 'tunnel' ? 'Health (SSH tunnel)' : 'Health'}
      width={width}
      height={height}
      focused={focused}
    >
      {s ? (
        s.readings.map((r) => <Reading key={r.name} r={r} />)
      ) : (
        <Text color={color('muted')}>checking…</Text>
      )}
    </Pane>
  );
}
