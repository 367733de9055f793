import { Box } from 'ink';
import { Text } from './components/Text.js';
import { Footer } from './components/Footer.js';
import { Frame } from './components/Frame.js';
import { Header } from './components/Header.js';
import { Menu } from './components/Menu.js';
import { useCursor } from './hooks/use-cursor.js';
import type { DeploymentRecord } from '../state/types.js';
import { useTui } from './app/context.js';
import { clock } from './components/format.js';
import { chooseVersion, resume } from './intents/start.js';
import type { StartInfo } from './app/state.js';
import { color } from './components/theme.js';
import { useKeys } from './hooks/use-keys.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

const CHOICES = ['Resume', 'Roll back', 'Abandon'] as const;

/** Resume (selected) / Roll back / Abandon, for the target's unfinished deployment. */
function UnfinishedMenu({ unfinished }: { unfinished: DeploymentRecord }) {
  const { state, core } = useTui();
  const cursor = useCursor(CHOICES.length);
  useKeys((action) => {
    if (action === 'up') cursor.move(-1);
    if (action === 'down') cursor.move(1);
    if (action !== 'continue') return;
    const choice = CHOICES[cursor.current()];
    if (choice === 'Resume') void resume(core, unfinished);
    if (choice === 'Roll back')
      core.dispatch({
        type: 'overlay',
        overlay: {
          kind: 'confirm',
          intent: 'rollback-unfinished',
          question: `Roll back ${unfinished.id} to ${unfinished.versionFrom ?? 'the previous version'}?`,
        },
      });
    if (choice === 'Abandon')
      core.dispatch({
        type: 'overlay',
        overlay: {
          kind: 'reason',
          intent: 'abandon',
          prompt: `Abandon ${unfinished.id} — reason:`,
        },
      });
  }, !state.overlay && !state.busy);
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
      <Menu items={CHOICES.map((c) => ({ key: c, label: c }))} index={cursor.index} rows={3} />
    </Box>
  );
}

/** The server's tags, newest first; the suggested (or newest) one preselected. */
function VersionPicker({ start, rows }: { start: StartInfo; rows: number }) {
  const { state, core } = useTui();
  const tags = start.tags;
  const cursor = useCursor(tags.length, Math.max(0, tags.indexOf(start.suggestedVersion ?? '')));
  useKeys((action) => {
    if (action === 'up') cursor.move(-1);
    if (action === 'down') cursor.move(1);
    const tag = start.fixedVersion ?? tags[cursor.current()];
    if (action === 'continue' && tag) void chooseVersion(core, tag);
  }, !state.overlay && !state.busy);
  if (start.fixedVersion)
    return <Text>Enter: check {start.fixedVersion} and open the pre-deployment checklist.</Text>;
  if (!tags.length)
    return (
      <Text color={color('error')}>
        The app repository on the target has no tags: nothing to deploy.
      </Text>
    );
  const items = tags.map((t) => ({
    key: t,
    label: t,
    note: t === start.runningVersion ? '(running)' : undefined,
  }));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Version to deploy:</Text>
      <Menu items={items} index={cursor.index} rows={rows} />
    </Box>
  );
}

/** Target, running version, version to deploy, operator; then the unfinished deployment's choices or the version picker. */
export function StartScreen() {
  const { state, core } = useTui();
  const { columns, rows } = useTerminalSize();
  const { start } = state;
  const field = (name: string, value: string) => (
    <Text wrap="truncate-end">
      <Text color={color('muted')}>{name.padEnd(10)}</Text>
      {value}
    </Text>
  );
  const picking = !start.unfinished && !start.fixedVersion;
  const deploy = start.unfinished
    ? start.unfinished.versionTo
    : (start.fixedVersion ?? 'choose below');
  return (
    <Frame>
      <Header title="cvd-tui" width={columns} />
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {field('Target', `${core.deps.targetName} (${core.deps.transport.description})`)}
        {field(
          'Running',
          `${start.runningVersion} (commit ${start.runningCommit.slice(0, 12) || 'unknown'})`,
        )}
        {field('Deploy', deploy)}
        {field('Operator', core.deps.operator)}
        {start.unfinished ? (
          <UnfinishedMenu key={start.unfinished.id} unfinished={start.unfinished} />
        ) : (
          <VersionPicker start={start} rows={Math.max(3, rows - 13)} />
        )}
      </Box>
      <Footer
        width={columns}
        hints={[
          { action: 'up', key: '↑↓', label: picking ? 'choose' : 'move' },
          { action: 'continue', label: 'continue' },
          { action: 'help', label: 'help' },
          { action: 'quit', label: 'quit' },
        ]}
      />
    </Frame>
  );
}
