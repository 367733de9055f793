import { createRequire } from 'node:module';
import { interruptAll } from '../engine/interrupt.js';
import { TransportRefused } from '../transport/types.js';
import { parseCli, USAGE, type Command, type ParsedArgs } from './args.js';
import { EXIT, InputError } from '../util/exit.js';
import { errorMessage } from '../util/error.js';
import { err, out } from '../util/out.js';
import { cli } from '../util/invocation.js';
import { fleetInHand } from '../fleet/in-hand.js';
import { fleetResume, resumeHint } from './resume-hint.js';

/** cvd-tui's version, read only for `--version`. */
const version = (): string =>
  (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

type Run = (args: ParsedArgs) => number | Promise<number>;

/**
 * The commands (./commands/index.ts), imported only when one runs: `--help`,
 * `--version` and a usage error load none of them.
 */
const commands = () => import('./commands/index.js');

const COMMANDS: Record<Exclude<Command, 'deploy' | 'resume' | 'rollback'>, () => Promise<Run>> = {
  export: async () => (await commands()).exportLog,
  history: async () => (await commands()).history,
  demo: async () => (await commands()).demo,
  monitor: async () => (await commands()).monitor,
  doctor: async () => (await commands()).doctor,
  init: async () => (await commands()).init,
  verify: async () => (await commands()).verify,
  sudoers: async () => (await commands()).sudoers,
  recover: async () => (await commands()).recover,
};

/** deploy, resume, rollback and no command: the plan, the TUI, or a headless run. */
async function deployment(args: ParsedArgs): Promise<Run> {
  const all = await commands();
  if (args.options.plan) return all.printPlan;
  // Ink and React cost most of an interactive start-up, and headless runs never need them.
  if (!args.options.headless) {
    // Not a terminal: the TUI says so before any config is read.
    if (all.isInteractive() && (await all.fleetChosen(args))) return all.fleetTui;
    return all.runTui;
  }
  if (await all.fleetChosen(args)) return all.fleetHeadless;
  if (args.options.skipHost !== undefined)
    throw new InputError(
      '--skip-host leaves a host out of a fleet: name the fleet with --target GROUP (or --inventory FILE --group NAME)',
    );
  if (args.command === 'resume') return all.resumeHeadless;
  if (args.command === 'rollback') return all.rollbackHeadless;
  return all.deployHeadless;
}

/** The function that runs the command line's command, its module loaded. */
function runnerOf(args: ParsedArgs): Promise<Run> {
  const { command } = args;
  if (
    command === undefined ||
    command === 'deploy' ||
    command === 'resume' ||
    command === 'rollback'
  )
    return deployment(args);
  return COMMANDS[command]();
}

async function dispatch(args: ParsedArgs): Promise<number> {
  if (args.options.showVersion) return (void out.write(`${version()}\n`), EXIT.ok);
  if (args.options.help) return (void out.write(`${USAGE}\n`), EXIT.ok);
  const [run, { setHostTrustPolicy, cliTrustPolicy }] = await Promise.all([
    runnerOf(args),
    commands(),
  ]);
  // Installed before Ink loads: its signal-exit hooks the same signals and re-raises them when
  // no other handler listens, which would kill the process before this one could say so.
  exitOnSignals(() => {
    if (!RESUMABLE.has(args.command)) return '';
    const fleet = fleetInHand();
    return ` Continue with: ${fleet ? fleetResume(fleet, args.options) : cli('resume')}`;
  });
  // Every connection this run opens trusts unknown hosts only as its flags allow.
  setHostTrustPolicy(cliTrustPolicy(args));
  return run(args);
}

/**
 * SIGINT, SIGTERM and SIGHUP end the process with 130. Every transition is
 * committed before it is reported, so there is nothing to flush; a journaled
 * step goes on on the target and is settled by `resume`, a read-only step's
 * processes there are ended first.
 */
function exitOnSignals(hint: () => string): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      err.write(`\nInterrupted (${signal}): state saved.${hint()}\n`);
      const say = (line: string) => err.write(`${line}\n`);
      void interruptAll(say).finally(() => process.exit(EXIT.interrupted));
    });
  }
}

/**
 * A reader that goes away (`cvd-tui export | head -1`) ends the command
 * quietly, as SIGPIPE ends other tools: no stack trace, no message; exit 0,
 * or 130 (state saved, resumable) when a deployment may be half-way, as for
 * a signal. Node reports the closed pipe as an 'error' event that would
 * otherwise crash the process.
 */
function endQuietlyWhenOutputCloses(exitCode: () => number): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(exitCode());
    });
}

/** Only commands that change a deployment leave one to resume. */
const RESUMABLE = new Set([undefined, 'deploy', 'resume', 'rollback', 'demo', 'recover']);

/** Runs one command; returns the process exit code (DESIGN: 0, 1, 2, 130). */
export async function main(argv: string[]): Promise<number> {
  let changesDeployments = false;
  let args: ParsedArgs | undefined;
  endQuietlyWhenOutputCloses(() => (changesDeployments ? EXIT.interrupted : EXIT.ok));
  try {
    args = parseCli(argv);
    changesDeployments = RESUMABLE.has(args.command) && !args.options.plan;
    return await dispatch(args);
  } catch (error) {
    if (error instanceof InputError || error instanceof TransportRefused) {
      err.write(`cvd-tui: ${error.message}\n`);
      return EXIT.badInput;
    }
    // Loaded already whenever a command ran; a usage error before that costs the import.
    const { StateLost } = await commands();
    if (error instanceof StateLost) {
      err.write(`cvd-tui: ${error.message}\n`);
      return EXIT.stepFailed;
    }
    // Anything else is unexpected: say what happened; the stack only when asked for.
    const detail = process.env.CVD_TUI_DEBUG
      ? ((error instanceof Error ? error.stack : undefined) ?? String(error))
      : errorMessage(error);
    const { deploymentInHand } = await commands();
    const left =
      args && resumeHint({ fleet: fleetInHand(), deploymentId: deploymentInHand() }, args.options);
    const next = left
      ? `State is saved; \`${left.command}\` continues ${left.what}`
      : 'No deployment was started';
    err.write(`cvd-tui: ${detail}\n${next} (CVD_TUI_DEBUG=1 shows details).\n`);
    return EXIT.stepFailed;
  }
}
