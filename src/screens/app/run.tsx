import { EXIT, InputError } from '../../util/exit.js';
import { resolveSecrets } from '../../session/secrets.js';
import { engineContext, openSession, type SessionOptions } from '../../session/open.js';
import { interruptAll } from '../../engine/interrupt.js';
import { lockStateFile, StateBusy } from '../../state/process-lock.js';
import { openTransport } from '../../transport/open.js';
import type { EngineContext } from '../../engine/context.js';
import type { TuiDeps, TuiExit, TuiRequest } from './deps.js';
import { shellWord } from '../../util/invocation.js';
import { prepareTui, type PreparedTui } from './prepare.js';
import { enterAlternateScreen, isInteractive, NOT_A_TERMINAL, stdinReleased } from './terminal.js';
import { err, out } from '../../util/out.js';
import { keepHeapSmall } from '../../util/heap.js';
import { stalled } from '../intents/exit.js';
import type { FleetEntry } from './fleet-control.js';
import { prepareFleetTui, type FleetOpening } from './prepare-fleet.js';

/**
 * Ink, React and the screens, imported while the target is being looked at
 * (connection, preflight) instead of before: that wait is for processes, not
 * for this one, so loading them then shortens the time to the first frame.
 */
const loadScreens = () => import('./screens.js');
type Screens = Awaited<ReturnType<typeof loadScreens>>;

/** Probe intervals in production: every few seconds, over the deployment's own connection. */
const PROBES = { resourcesMs: 3000, healthMs: 3000, logMs: 1000 };

/**
 * Renders until the operator leaves. Ink: at most 20 frames a second (the
 * line store already batches renders at the source), and Ctrl-C handed to
 * the app, which asks before abandoning a running step. Not Ink's
 * `incrementalRendering`: in 6.8 it lands one row low when the frame ends
 * with a newline, leaving stale lines on screen.
 */
function mount(
  { render, App, TuiProvider }: Screens,
  prepared: PreparedTui,
  deps: TuiDeps,
  drawn: () => void,
): Promise<TuiExit> {
  return new Promise((resolve) => {
    const leaveScreen = enterAlternateScreen();
    const instance = render(
      <TuiProvider core={prepared.core} initial={prepared.initial} begin={prepared.begin}>
        <App />
      </TuiProvider>,
      { maxFps: 20, exitOnCtrlC: false },
    );
    // Ink has written the first frame (its first render is synchronous).
    drawn();
    // SIGTERM/SIGHUP: main's handlers print and exit 130; restore the terminal before they run.
    const restore = () => {
      instance.unmount();
      leaveScreen();
    };
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const)
      process.prependOnceListener(signal, restore);
    const stall = () => stalled(prepared.core);
    process.once('beforeExit', stall);
    deps.onExit = (exit) => {
      process.off('beforeExit', stall);
      for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(signal, restore);
      restore();
      resolve(exit);
    };
  });
}

/**
 * The look at the target goes on while the start screen draws: if it fails,
 * `leave` the screen; the returned function then throws its error, so it
 * ends cvd-tui as a failure before the first frame would have.
 */
function failureOf(looking: Promise<void> | undefined, leave: () => void): () => void {
  let failed: { error: unknown } | undefined;
  looking?.catch((error: unknown) => {
    failed = { error };
    leave();
  });
  return () => {
    if (failed) throw failed.error;
  };
}

/** What the command line asks of the TUI: the command, its deployment id and the options it reads. */
export interface TuiLaunch {
  command: string | undefined;
  id: string | undefined;
  options: SessionOptions & { version?: string; takeOverLock: boolean };
}

/** `--config`, `--state`, `--target` (and a fleet's `--inventory`, `--group`) as given, for the resume hint. */
function resumeFlags(
  options: TuiLaunch['options'] & { inventory?: string; group?: string },
): string[] {
  const flags: string[] = [];
  for (const name of ['config', 'state', 'target', 'inventory', 'group'] as const) {
    const value = options[name];
    if (value) flags.push(`--${name}`, shellWord(value));
  }
  return flags;
}

/** What the screens work with: the engine's context, the secrets, and the command line's options. */
export function tuiDeps(
  context: EngineContext,
  secrets: TuiDeps['secrets'],
  options: TuiLaunch['options'] & { inventory?: string; group?: string },
): TuiDeps {
  return {
    ...context,
    secrets,
    resumeFlags: resumeFlags(options),
    takeOverLock: options.takeOverLock,
    exportDir: process.cwd(),
    probes: PROBES,
    onExit: () => undefined,
  };
}

/**
 * The interactive TUI for deploy, resume, rollback and no command. Returns
 * the exit code (DESIGN): 0 done, 1 paused (resumable), 2 bad input, 130
 * interrupted. `suggestedVersion` preselects a tag in the picker (the demo).
 */
export async function runTui(
  args: TuiLaunch,
  extra: { suggestedVersion?: string } = {},
): Promise<number> {
  if (!isInteractive()) {
    err.write(NOT_A_TERMINAL);
    return EXIT.badInput;
  }
  keepHeapSmall();
  const command =
    args.command === 'deploy' || args.command === 'resume' || args.command === 'rollback'
      ? args.command
      : undefined;
  const request: TuiRequest = {
    command,
    id: args.id,
    version: args.options.version,
    suggestedVersion: extra.suggestedVersion,
  };
  const screens = loadScreens();
  // Awaited at mount; an error before then is reported on its own, not twice.
  screens.catch(() => undefined);
  const session = openSession(args.options);
  let releaseState: (() => void) | undefined;
  let transport;
  let exit: TuiExit | undefined;
  try {
    try {
      releaseState = lockStateFile(session.store.db.name);
    } catch (error) {
      if (error instanceof StateBusy) throw new InputError(error.message);
      throw error;
    }
    err.write(`Connecting to ${session.name}…\n`);
    transport = await openTransport(session.target);
    // Asked here, before Ink owns stdin (two readers of stdin lose keys).
    const secrets = await resolveSecrets(session.target, { interactive: true });
    const deps = tuiDeps(engineContext(session, transport), secrets, args.options);
    let drawn = () => {};
    const firstFrame = new Promise<void>((resolve) => (drawn = resolve));
    exit = await show(screens, await prepareTui(deps, request, firstFrame), deps, drawn);
    return exit.code;
  } finally {
    await leaveRunning(exit);
    await transport?.close();
    session.store.close();
    releaseState?.();
  }
}

/**
 * Mounts the prepared screens once the terminal is free, calling `drawn`
 * when the first frame is on screen; prints the closing words. A failure of
 * the look at the target, still going on, is thrown before the mount, which
 * would wait on a screen no one left otherwise, and after it.
 */
async function show(
  screens: Promise<Screens>,
  prepared: PreparedTui,
  deps: TuiDeps,
  drawn = () => {},
): Promise<TuiExit> {
  let left = false;
  const throwIfFailed = failureOf(prepared.looking, () => {
    if (!left) deps.onExit({ code: EXIT.stepFailed, stepRunning: false });
  });
  await stdinReleased();
  const loaded = await screens;
  throwIfFailed();
  const exit = await mount(loaded, prepared, deps, drawn);
  left = true;
  throwIfFailed();
  if (exit.message) out.write(`${exit.message}\n`);
  return exit;
}

/**
 * The operator left while a step ran: the runner is still waiting on it, and
 * closing the store under it would crash it. Every transition is already
 * committed; the step goes on on the target and `resume` settles it from its
 * journal; a read-only step is ended there first.
 */
async function leaveRunning(exit: TuiExit | undefined): Promise<void> {
  if (!exit?.stepRunning) return;
  await interruptAll((line) => err.write(`${line}\n`));
  process.exit(exit.code);
}

/**
 * A fleet's TUI over the group the command line opened (every host's
 * connection): `deps` is the fleet's (its first host's connection, the
 * group's name), `entry` how its screens reach the hosts, `opening` the
 * screen it opens at. Returns the exit code.
 */
export async function runFleetTui(
  deps: TuiDeps,
  entry: FleetEntry,
  opening: FleetOpening,
): Promise<number> {
  keepHeapSmall(); // several hosts' output may flood at once
  const screens = loadScreens();
  screens.catch(() => undefined);
  const exit = await show(screens, prepareFleetTui(deps, entry, opening), deps);
  await leaveRunning(exit);
  return exit.code;
}
