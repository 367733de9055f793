import { Box } from 'ink';
import type { TargetState } from '../../engine/target-state.js';
import type { DeploymentRecord } from '../../state/types.js';
import { useTui } from '../app/context.js';
import { clock } from './format.js';
import { Menu } from './Menu.js';
import { Text } from './Text.js';
import { color } from './theme.js';

/** The service as the record knows it, in words: `DOWN since 12:03:04 (stopped by 2.1; 3.1 starts it)`. */
function serviceLine(target: TargetState, name: string): string {
  if (target.downSince !== undefined)
    return `${name} DOWN since ${clock(target.downSince)} (stopped by ${target.stoppedBy}; ${target.startStep ?? 'no step'} starts it)`;
  if (target.service === 'up') return `${name} up, serving ${target.serving ?? '?'}`;
  if (target.service === 'unknown') return `${name}: unknown (a stop or start lost its outcome)`;
  return `${name} not stopped by this deployment`;
}

/** `started 2026-01-01 12:00:00 by alice on jump`: who began an unfinished deployment (or fleet), when and where. */
export const startedLine = (d: { startedAt: number; operator: string; jumpHost: string }) =>
  `started ${new Date(d.startedAt).toISOString().slice(0, 10)} ${clock(d.startedAt)} by ${d.operator} on ${d.jumpHost}`;

/** Resume (selected) / Roll back / Abandon, for the target's unfinished deployment, with its service state and next step. */
export function UnfinishedMenu({
  unfinished,
  target,
  choices,
  index,
}: {
  unfinished: DeploymentRecord;
  target: TargetState | undefined;
  choices: readonly string[];
  index: number;
}) {
  const { core } = useTui();
  const d = unfinished;
  const down = target?.downSince !== undefined;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('warn')} bold wrap="truncate-end">
        Unfinished {d.mode === 'rollback' ? 'rollback' : 'deployment'} {d.id}:{' '}
        {d.versionFrom ?? '?'} → {d.versionTo}, {d.status.replace('_', ' ')}
      </Text>
      <Text color={color('muted')} wrap="truncate-end">
        {startedLine(d)}
      </Text>
      {target ? (
        <>
          <Text wrap="truncate-end">
            <Text color={color('muted')}>{'Service'.padEnd(12)}</Text>
            <Text color={color(down ? 'error' : 'info')} bold={down}>
              {serviceLine(target, core.deps.target.serviceName)}
            </Text>
          </Text>
          <Text wrap="truncate-end">
            <Text color={color('muted')}>{'Next step'.padEnd(12)}</Text>
            {target.next ? `${target.next.id} ${target.next.title}` : 'none: every step ran'}
          </Text>
        </>
      ) : null}
      <Menu
        items={choices.map((c) => ({ key: c, label: c }))}
        index={index}
        rows={choices.length}
      />
    </Box>
  );
}
