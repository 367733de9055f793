import { Text } from './Text.js';
import { useSyncExternalStore } from 'react';
import type { Thresholds } from '../../config/types.js';
import { resourceLevel } from '../../probes/resources.js';
import type { ValueStore } from '../stores/value-store.js';
import type { ResourceSample } from '../../probes/resources.js';
import { clock } from './format.js';
import { color } from './theme.js';
import { Pane } from './Pane.js';

/** A percentage colored against its runbook limit; `!` marks a breach without color too. */
function Percent({
  kind,
  value,
  t,
}: {
  kind: 'disk' | 'memory' | 'cpu';
  value: number | undefined;
  t: Thresholds;
}) {
  const level = resourceLevel(kind, value, t);
  if (level === 'unknown') return <Text color={color('muted')}> ? </Text>;
  return (
    <Text color={color(level === 'ok' ? 'ok' : 'error')} bold={level === 'over'}>
      {`${value}%`.padStart(4)}
      {level === 'over' ? '!' : ' '}
    </Text>
  );
}

export interface ResourcesPaneProps {
  store: ValueStore<ResourceSample | undefined>;
  thresholds: Thresholds;
  width: number;
  height: number;
  focused: boolean;
}

/** Disk of / and of the app's filesystem, memory, CPU and load of the target, polled every few seconds. */
export function ResourcesPane({
  store,
  thresholds: t,
  width,
  height,
  focused,
}: ResourcesPaneProps) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const rows = height - 2;
  let body;
  if (!s) body = <Text color={color('muted')}>measuring…</Text>;
  else if (s.error)
    body = (
      <Text color={color('error')} wrap="truncate-end">
        unreachable: {s.error}
      </Text>
    );
  else
    body = (
      <>
        {/* Labels padded to one column: the numbers line up. */}
        <Text wrap="truncate-end">
          {'disk /  '}
          <Percent kind="disk" value={s.rootDiskPercent} t={t} />
          {'  app fs '}
          <Percent kind="disk" value={s.appDiskPercent} t={t} />
        </Text>
        <Text wrap="truncate-end">
          {'memory  '}
          <Percent kind="memory" value={s.memoryPercent} t={t} />
          {'  cpu    '}
          <Percent kind="cpu" value={s.cpuPercent} t={t} />
        </Text>
        <Text wrap="truncate-end">
          {'load    '}
          {s.load ? s.load.map((l) => l.toFixed(2)).join(' ') : '?'}
        </Text>
        {rows >= 4 ? (
          <Text color={color('muted')} wrap="truncate-end">
            &lt;{t.maxDiskUsedPercent}% disk &lt;{t.maxMemoryUsedPercent}% mem &lt;{t.maxCpuPercent}
            % cpu · {clock(s.at)}
          </Text>
        ) : null}
      </>
    );
  return (
    <Pane title="Resources" width={width} height={height} focused={focused}>
      {body}
    </Pane>
  );
}
