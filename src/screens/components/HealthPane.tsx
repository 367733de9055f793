import { Text } from './Text.js';
import { useSyncExternalStore } from 'react';
import type { HealthReading } from '../../probes/health-endpoints.js';
import type { HealthRoute, HealthSample } from '../../probes/health.js';
import type { ValueStore } from '../stores/value-store.js';
import { color } from './theme.js';
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

const ON_SERVER = 'Health (measured on the server: no TCP forwarding)';

/** Says how the readings were taken; measured on the server, the reason too when the border has room. */
function title(via: HealthRoute | undefined, width: number): string {
  if (via === 'tunnel') return 'Health (SSH tunnel)';
  if (via !== 'server') return 'Health';
  // Pane keeps the title within width - 4 columns, a space either side included.
  return ON_SERVER.length + 2 <= width - 4 ? ON_SERVER : 'Health (measured on the server)';
}

/**
 * /health, /health/detailed's status and /health/database: code and latency,
 * polled with undici, or with curl on the target when the server refuses TCP
 * forwarding (the latency is then the server's own).
 */
export function HealthPane({ store, width, height, focused }: HealthPaneProps) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return (
    <Pane title={title(s?.via, width)} width={width} height={height} focused={focused}>
      {s ? (
        s.readings.map((r) => <Reading key={r.name} r={r} />)
      ) : (
        <Text color={color('muted')}>checking…</Text>
      )}
    </Pane>
  );
}
