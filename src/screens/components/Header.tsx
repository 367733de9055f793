import { Box } from 'ink';
import { useMemo } from 'react';
import { Text } from './Text.js';
import { useTui } from '../app/context.js';
import { color } from './theme.js';

/**
 * One line naming what this is about: screen, target, versions, operator;
 * the connection and the deployment id when the width allows; the status.
 */
export function Header({
  title,
  width,
  where,
}: {
  title: string;
  width: number;
  /** What it is about, in place of the target and its connection (a fleet: its group). */
  where?: string;
}) {
  const { state, core } = useTui();
  // On the start screen, the unfinished deployment: its versions, not the checked-out code as if it ran.
  const d = state.deployment ?? state.start.unfinished;
  const from = d?.versionFrom ?? state.start.runningVersion;
  const to = d?.versionTo ?? state.start.fixedVersion;
  const rollingBack = d?.mode === 'rollback';
  const versions = to ? (rollingBack ? `${to} → ${from}` : `${from} → ${to}`) : from;
  // Re-read when the deployment record changes (every sync): a rolled-back one says what serves.
  const ended = useMemo(
    () => (d?.status === 'rolled_back' ? core.outcome() : undefined),
    [core, d],
  );
  const status = d ? `[${ended?.summary ?? d.status.replace('_', ' ')}]` : '';
  const tone =
    d?.status === 'failed'
      ? 'error'
      : d?.status === 'succeeded'
        ? 'ok'
        : d?.status === 'rolled_back'
          ? 'warn'
          : 'info';
  const { targetName, operator, transport } = core.deps;
  const room = width - title.length - status.length - 1;
  const forms = [
    ` · ${where ?? `${targetName} (${transport.description})`} · ${versions} · ${operator}${d ? ` · ${d.id}` : ''}`,
    ` · ${targetName} · ${versions} · ${operator}${d ? ` · ${d.id}` : ''}`,
    ` · ${targetName} · ${versions} · ${operator}`,
  ];
  const rest = forms.find((f) => f.length <= room) ?? forms[2]!;
  return (
    <Box width={width} height={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text bold color={color(rollingBack ? 'error' : 'accent')}>
            {title}
          </Text>
          {rest}
        </Text>
      </Box>
      {status ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text color={color(tone)} bold>
            {status}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
