import { Box } from 'ink';
import type { UnfinishedFleet } from '../app/state.js';
import { Menu } from './Menu.js';
import { Text } from './Text.js';
import { color } from './theme.js';
import { startedLine } from './UnfinishedMenu.js';

/** `web1 failed 3.2 · web2 held 1.3 · web3 waiting`: where each host stopped. */
const hostsLine = (fleet: UnfinishedFleet): string =>
  fleet.view.hosts
    .map(
      (h) =>
        `${h.host} ${h.status.replace('_', ' ')}${h.currentStep ? ` ${h.currentStep.id}` : ''}`,
    )
    .join(' · ');

/** Resume (selected) / Roll back / Abandon, for the group's unfinished fleet, with its halt and each host's place. */
export function UnfinishedFleetMenu({
  fleet,
  choices,
  index,
}: {
  fleet: UnfinishedFleet;
  choices: readonly string[];
  index: number;
}) {
  const { record, view } = fleet;
  const field = (name: string) => <Text color={color('muted')}>{name.padEnd(12)}</Text>;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('warn')} bold wrap="truncate-end">
        Unfinished fleet {record.mode === 'rollback' ? 'rollback ' : ''}
        {record.id}: {record.versionTo} on {record.name}, {record.status.replace('_', ' ')}
      </Text>
      <Text color={color('muted')} wrap="truncate-end">
        {startedLine(record)}
      </Text>
      {view.halted ? (
        <Text wrap="truncate-end">
          {field('Halted')}
          <Text color={color('error')}>
            {view.halted.host}
            {view.halted.stepId ? ` at ${view.halted.stepId}` : ''}: {view.halted.reason}
          </Text>
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        {field('Hosts')}
        {hostsLine(fleet)}
      </Text>
      <Menu
        items={choices.map((c) => ({ key: c, label: c }))}
        index={index}
        rows={choices.length}
      />
    </Box>
  );
}
