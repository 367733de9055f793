import { Box } from 'ink';
import { useMemo } from 'react';
import type { TargetState } from '../engine/target-state.js';
import { Text } from './components/Text.js';
import { Header } from './components/Header.js';
import { Menu } from './components/Menu.js';
import { UnfinishedMenu } from './components/UnfinishedMenu.js';
import { UnfinishedFleetMenu } from './components/UnfinishedFleetMenu.js';
import { StatusStrip } from './components/StatusStrip.js';
import { useCursor } from './hooks/use-cursor.js';
import type { DeploymentRecord } from '../state/types.js';
import { useTui } from './app/context.js';
import { askFirst, chooseVersion, resume } from './intents/start.js';
import { chooseFleetVersion, chooseForFleet } from './intents/fleet-start.js';
import { changedHosts } from './intents/fleet.js';
import { runningSummary } from '../fleet/look.js';
import type { StartInfo, UnfinishedFleet } from './app/state.js';
import { color } from './components/theme.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, type Binding } from './app/bindings.js';
import type { TuiCore } from './app/core.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

const CHOICES = ['Resume', 'Roll back', 'Abandon'] as const;
type Choice = (typeof CHOICES)[number];

/** Roll back only once there is something to roll back (a deployment quit at the checklist changed nothing). */
const choicesFor = (target: TargetState | undefined): readonly Choice[] =>
  target?.rollback === 'none' ? CHOICES.filter((c) => c !== 'Roll back') : CHOICES;

/** A fleet's: Roll back only once a host has changed. */
const fleetChoicesFor = (fleet: UnfinishedFleet): readonly Choice[] =>
  changedHosts(fleet.view).length ? CHOICES : CHOICES.filter((c) => c !== 'Roll back');

/** Enter on the unfinished deployment's choice: resume at once, or ask first (y to roll back, a reason to abandon). */
function choose(core: TuiCore, unfinished: DeploymentRecord, choice: Choice) {
  if (choice === 'Resume') return void resume(core, unfinished);
  askFirst(core, choice, {
    rollBack: `Roll back ${unfinished.id} to ${unfinished.versionFrom ?? 'the previous version'}?`,
    abandon: `Abandon ${unfinished.id} — reason:`,
  });
}

/** The server's tags, newest first; the suggested (or newest) one preselected. */
function VersionPicker({ start, index, rows }: { start: StartInfo; index: number; rows: number }) {
  if (start.fixedVersion)
    return <Text>Enter: check {start.fixedVersion} and open the pre-deployment checklist.</Text>;
  if (start.checking)
    return (
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Version to deploy:</Text>
        <Text color={color('muted')}>checking the target for its tags…</Text>
      </Box>
    );
  if (!start.tags.length)
    return start.fleet ? (
      <Box flexDirection="column" marginTop={1}>
        <Text color={color('error')}>No tag is on every host: nothing the group can deploy.</Text>
        <PartialTags fleet={start.fleet} />
      </Box>
    ) : (
      <Text color={color('error')}>
        The app repository on the target has no tags: nothing to deploy.
      </Text>
    );
  const items = start.tags.map((t) => ({
    key: t,
    label: t,
    note: t === start.runningVersion ? '(running)' : undefined,
  }));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Version to deploy{start.fleet ? ' (a tag on every host)' : ''}:</Text>
      <Menu items={items} index={index} rows={rows} />
      {start.fleet?.look?.partial.length ? <PartialTags fleet={start.fleet} /> : null}
    </Box>
  );
}

/** The tags a fleet cannot deploy, greyed, with the hosts that lack them (refused for the whole fleet). */
function PartialTags({ fleet }: { fleet: NonNullable<StartInfo['fleet']> }) {
  const partial = fleet.look?.partial ?? [];
  return (
    <Text color={color('muted')} wrap="truncate-end">
      Not on every host:{' '}
      {partial.map((p) => `${p.tag} (not on ${p.missingOn.join(', ')})`).join(', ')}
    </Text>
  );
}

/** Target, running version, version to deploy, operator; then the unfinished deployment's choices or the version picker. */
export function StartScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const { start } = state;
  const { fleet } = start;
  const unfinishedFleet = fleet?.unfinished;
  const hasUnfinished = Boolean(start.unfinished ?? unfinishedFleet);
  // The record of the unfinished deployment, read once it is offered (the strip's counter ticks on its own).
  const target = useMemo(
    () => start.unfinished && core.targetState(start.unfinished.id),
    [core, start.unfinished],
  );
  const choices = unfinishedFleet ? fleetChoicesFor(unfinishedFleet) : choicesFor(target);
  const menu = useCursor(choices.length);
  const picker = useCursor(
    start.tags.length,
    Math.max(0, start.tags.indexOf(start.suggestedVersion ?? '')),
  );
  const cursor = hasUnfinished ? menu : picker;
  const canContinue = hasUnfinished || start.fixedVersion !== undefined || start.tags.length > 0;
  // While a version is checked or a deployment resumed, the choice stands.
  const idle = !state.busy;
  const field = (name: string, value: string) => (
    <Text wrap="truncate-end">
      <Text color={color('muted')}>{name.padEnd(12)}</Text>
      {value}
    </Text>
  );
  const picking = !hasUnfinished && !start.fixedVersion;
  const bindings: Binding[] = [
    {
      keys: ['up', 'down'],
      keyText: '↑↓',
      label: picking ? 'choose' : 'move',
      enabled: idle,
      run: (action) => cursor.move(action === 'up' ? -1 : 1),
    },
    {
      keys: ['continue'],
      label: 'continue',
      enabled: idle && canContinue,
      run: () => {
        const choice = choices[menu.current()]!;
        if (unfinishedFleet) return chooseForFleet(core, unfinishedFleet, choice);
        if (start.unfinished) return choose(core, start.unfinished, choice);
        const version = start.fixedVersion ?? start.tags[picker.current()]!;
        void (fleet ? chooseFleetVersion : chooseVersion)(core, version);
      },
    },
    ...commonBindings(core, state),
  ];
  const deploy =
    start.unfinished?.versionTo ??
    unfinishedFleet?.record.versionTo ??
    start.fixedVersion ??
    'choose below';
  const running = start.checking
    ? 'checking…'
    : fleet
      ? runningSummary(fleet.look?.hosts ?? [])
      : `${start.runningVersion} (commit ${start.runningCommit.slice(0, 12) || 'unknown'})`;
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      <Header
        title={fleet ? 'cvd-tui Fleet' : 'cvd-tui'}
        where={fleet && `${fleet.group} (${fleet.members.length} hosts)`}
        width={columns}
      />
      {/* One service's strip; a fleet's hosts each have theirs on the fleet screen. */}
      {fleet ? null : (
        <StatusStrip
          state={target}
          serviceName={core.deps.target.serviceName}
          code={start.runningVersion}
          width={columns}
        />
      )}
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {fleet
          ? field('Group', `${fleet.group}: ${fleet.members.join(', ')}`)
          : field('Target', `${core.deps.targetName} (${core.deps.transport.description})`)}
        {field(
          // With a deployment unfinished, what is checked out may not be what runs (or anything runs).
          hasUnfinished ? 'Checked out' : 'Running',
          running,
        )}
        {field('Deploy', deploy)}
        {field('Operator', core.deps.operator)}
        {unfinishedFleet ? (
          <UnfinishedFleetMenu fleet={unfinishedFleet} choices={choices} index={menu.index} />
        ) : start.unfinished ? (
          <UnfinishedMenu
            unfinished={start.unfinished}
            target={target}
            choices={choices}
            index={menu.index}
          />
        ) : (
          <VersionPicker start={start} index={picker.index} rows={Math.max(3, rows - 14)} />
        )}
      </Box>
    </ScreenLayout>
  );
}
