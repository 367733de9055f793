import { createRequire } from 'node:module';
import { deploymentInHand } from '../engine/deployment.js';
import { interruptAll } from '../engine/interrupt.js';
import { cliTrustPolicy } from '../init/prompts.js';
import { setHostTrustPolicy } from '../transport/trust.js';
import { StateLost } from '../state/store.js';
import { TransportRefused } from '../transport/types.js';
import { parseCli, USAGE, type ParsedArgs } from './args.js';
import { deployHeadless } from './commands/deploy.js';
import { demo } from './commands/demo.js';
import { doctor } from './commands/doctor.js';
import { exportLog } from './commands/export.js';
import { history } from './commands/history.js';
import { init } from './commands/init.js';
import { monitor } from './commands/monitor.js';
import { resumeHeadless } from './commands/resume.js';
import { rollbackHeadless } from './commands/rollback.js';
import { verify } from './commands/verify.js';
import { sudoers } from './commands/sudoers.js';
import { EXIT, InputError } from '../util/exit.js';
import { printPlan } from './plan.js';
import { err, out } from '../util/out.js';
import { recover } from './commands/recover.js';
import { errorMessage } from '../util/error.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

async function dispatch(args: ParsedArgs): Promise<number> {
  if (args.options.showVersion) return (void out.write(`${version}\n`), EXIT.ok);
  if (args.options.help) return (void out.write(`${USAGE}\n`), EXIT.ok);
  // Every connection this run opens trusts unknown hosts only as its flags allow.
  setHostTrustPolicy(cliTrustPolicy(args));
  switch (args.command) {
    case 'export':
      return exportLog(args);
    case 'history':
      return history(args);
    case 'demo':
      return demo(args);
    case 'monitor':
      return monitor(args);
    case 'doctor':
      return doctor(args);
    case 'init':
      return init(args);
    case 'verify':
      return verify(args);
    case 'sudoers':
      return sudoers(args);
    case 'recover':
      return recover(args);
    case 'deploy':
    case 'resume':
    case 'rollback':
    case undefined:
      if (args.options.plan) return printPlan(args);
      // Loaded on demand: Ink and React cost ~0.4 s of start-up that headless runs never need.
      if (!args.options.headless) return (await import('../screens/app/run.js')).runTui(args);
      if (args.command === 'resume') return resumeHeadless(args);
      if (args.command === 'rollback') return rollbackHeadless(args);
      return deployHeadless(args);
    default:
      throw new InputError(`${args.command} is not available yet`);
  }
}

/**
 * SIGINT, SIGTERM and SIGHUP end the process with 130. Every transition is
 * committed before it is reported, so there is nothing to flush; a journaled
 * step goes on on the target and is settled by `resume`, a read-only step's
 * processes there are ended first.
 */
function exitOnSignals(hint: string): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      err.write(`\nInterrupted (${signal}): state saved.${hint}\n`);
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
  endQuietlyWhenOutputCloses(() => (changesDeployments ? EXIT.interrupted : EXIT.ok));
  try {
    const args = parseCli(argv);
    changesDeployments = RESUMABLE.has(args.command) && !args.options.plan;
    exitOnSignals(RESUMABLE.has(args.command) ? ' Continue with: cvd-tui resume' : '');
    return await dispatch(args);
  } catch (error) {
    if (error instanceof InputError || error instanceof TransportRefused) {
      err.write(`cvd-tui: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof StateLost) {
      err.write(`cvd-tui: ${error.message}\n`);
      return EXIT.stepFailed;
    }
    // Anything else is unexpected: say what happened; the stack only when asked for.
    const detail = process.env.CVD_TUI_DEBUG
      ? ((error instanceof Error ? error.stack : undefined) ?? String(error))
      : errorMessage(error);
    const id = deploymentInHand();
    const next = id
      ? `State is saved; \`cvd-tui resume ${id}\` continues deployment ${id}`
      : 'No deployment was started';
    err.write(`cvd-tui: ${detail}\n${next} (CVD_TUI_DEBUG=1 shows details).\n`);
    return EXIT.stepFailed;
  }
}
