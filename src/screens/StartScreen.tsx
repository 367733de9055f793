import { Box } from 'ink';
import { Text } from './components/Text.js';
import { Header } from './components/Header.js';
import { Menu } from './components/Menu.js';
import { useCursor } from './hooks/use-cursor.js';
import type { DeploymentRecord } from '../state/types.js';
import { useTui } from './app/context.js';
import { clock } from './components/format.js';
import { chooseVersion, resume } from './intents/start.js';
import type { StartInfo } from './app/state.js';
import { color } from './components/theme.js';
import { ScreenLayout } from './components/ScreenLayout.js';
import { commonBindings, type Binding } from './app/bindings.js';
import type { TuiCore } from './app/core.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

const CHOICES = ['Resume', 'Roll back', 'Abandon'] as const;

/** Enter on the unfinished deployment's choice: resume at once, or ask first (y to roll back, a reason to abandon). */
function choose(core: TuiCore, unfinished: DeploymentRecord, choice: (typeof CHOICES)[number]) {
  if (choice === 'Resume') return void resume(core, unfinished);
  core.dispatch({
    type: 'overlay',
    overlay:
      choice === 'Roll back'
        ? {
            kind: 'confirm',
            intent: 'rollback-unfinished',
            question: `Roll back ${unfinished.id} to ${unfinished.versionFrom ?? 'the previous version'}?`,
          }
        : { kind: 'reason', intent: 'abandon', prompt: `Abandon ${unfinished.id} — reason:` },
  });
}

/** Resume (selected) / Roll back / Abandon, for the target's unfinished deployment. */
function UnfinishedMenu({ unfinished, index }: { unfinished: DeploymentRecord; index: number }) {
  const d = unfinished;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('warn')} bold wrap="truncate-end">
        Unfinished {d.mode === 'rollback' ? 'rollback' : 'deployment'} {d.id}:{' '}
        {d.versionFrom ?? '?'} → {d.versionTo}, {d.status.replace('_', ' ')}
      </Text>
      <Text color={color('muted')} wrap="truncate-end">
        started {new Date(d.startedAt).toISOString().slice(0, 10)} {clock(d.startedAt)} by{' '}
        {d.operator} on {d.jumpHost}
      </Text>
      <Menu items={CHOICES.map((c) => ({ key: c, label: c }))} index={index} rows={3} />
    </Box>
  );
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
    return (
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
      <Text bold>Version to deploy:</Text>
      <Menu items={items} index={index} rows={rows} />
    </Box>
  );
}

/** Target, running version, version to deploy, operator; then the unfinished deployment's choices or the version picker. */
export function StartScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const { start } = state;
  const { unfinished } = start;
  const menu = useCursor(CHOICES.length);
  const picker = useCursor(
    start.tags.length,
    Math.max(0, start.tags.indexOf(start.suggestedVersion ?? '')),
  );
  const cursor = unfinished ? menu : picker;
  const canContinue =
    unfinished !== undefined || start.fixedVersion !== undefined || start.tags.length > 0;
  // While a version is checked or a deployment resumed, the choice stands.
  const idle = !state.busy;
  const field = (name: string, value: string) => (
    <Text wrap="truncate-end">
      <Text color={color('muted')}>{name.padEnd(10)}</Text>
      {value}
    </Text>
  );
  const picking = !unfinished && !start.fixedVersion;
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
      run: () =>
        unfinished
          ? choose(core, unfinished, CHOICES[menu.current()]!)
          : void chooseVersion(core, start.fixedVersion ?? start.tags[picker.current()]!),
    },
    ...commonBindings(core, state),
  ];
  const deploy = unfinished ? unfinished.versionTo : (start.fixedVersion ?? 'choose below');
  return (
    <ScreenLayout bindings={bindings} width={columns}>
      <Header title="cvd-tui" width={columns} />
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {field('Target', `${core.deps.targetName} (${core.deps.transport.description})`)}
        {field(
          'Running',
          start.checking
            ? 'checking…'
            : `${start.runningVersion} (commit ${start.runningCommit.slice(0, 12) || 'unknown'})`,
        )}
        {field('Deploy', deploy)}
        {field('Operator', core.deps.operator)}
        {unfinished ? (
          <UnfinishedMenu unfinished={unfinished} index={menu.index} />
        ) : (
          <VersionPicker start={start} index={picker.index} rows={Math.max(3, rows - 13)} />
        )}
      </Box>
    </ScreenLayout>
  );
}
