import { Text } from './Text.js';
import { useSyncExternalStore } from 'react';
import type { HealthReading } from '../../probes/health-endpoints.js';
import type { HealthRoute, HealthSample } from '../../probes/health.js';
import type { ValueStore } from '../stores/value-store.js';
import { color } from './theme.js';
import { Pane } from './Pane.js';
import { useNow } from '../hooks/use-now.js';

/** A failing endpoint asked less often (probes/health.ts): when, so a stale reading is not taken for a fresh one. */
function nextCheck(r: HealthReading, now: number, room: number): string {
  if (r.nextCheckAt === undefined) return '';
  const seconds = Math.max(0, Math.ceil((r.nextCheckAt - now) / 1000));
  const long = ` · next check in ${seconds}s`;
  return long.length <= room ? long : ` · next in ${seconds}s`;
}

function Reading({ r, now, width }: { r: HealthReading; now: number; width: number }) {
  const path = r.path.padEnd(17);
  if (r.code === undefined) {
    const reason = /\bE[A-Z]{3,}\b/.exec(r.error ?? '')?.[0] ?? r.error;
    const next = nextCheck(r, now, width - path.length - 9);
    return (
      <Text wrap="truncate-end">
        {path}
        <Text color={color('error')}>{next ? 'no answer' : `no answer (${reason})`}</Text>
        <Text color={color('muted')}>{next}</Text>
      </Text>
    );
  }
  const good = r.code >= 200 && r.code < 300 && (r.name !== 'detailed' || r.status === 'healthy');
  return (
    <Text wrap="truncate-end">
      {path}
      <Text color={color(good ? 'ok' : 'error')} bold={!good}>
        {r.name === 'detailed' ? `${r.status ?? '?'} (${r.code})` : String(r.code)}
      </Text>
      <Text color={color('muted')}>
        {r.nextCheckAt === undefined
          ? ` ${r.latencyMs} ms`
          : nextCheck(r, now, width - path.length - String(r.code).length)}
      </Text>
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
 * polled over HTTP, or with curl on the target when the server refuses TCP
 * forwarding (the latency is then the server's own). A failing endpoint is
 * asked less often: the pane says when it is asked next.
 */
export function HealthPane({ store, width, height, focused }: HealthPaneProps) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  // Counts down, once a second, only while an endpoint is backing off.
  const ticked = useNow(Boolean(s?.readings.some((r) => r.nextCheckAt !== undefined)));
  // The clock may have idled since long before this sample: never count from before it.
  const now = Math.max(ticked, s?.at ?? 0);
  return (
    <Pane title={title(s?.via, width)} width={width} height={height} focused={focused}>
      {s ? (
        s.readings.map((r) => <Reading key={r.name} r={r} now={now} width={width - 2} />)
      ) : (
        <Text color={color('muted')}>checking…</Text>
      )}
    </Pane>
  );
}
