import { createRequire } from 'node:module';
import { TransportRefused } from '../transport/types.js';
import { parseCli, USAGE, type ParsedArgs } from './args.js';
import { deployHeadless } from './commands/deploy.js';
import { demo } from './commands/demo.js';
import { exportLog } from './commands/export.js';
import { history } from './commands/history.js';
import { monitor } from './commands/monitor.js';
import { resumeHeadless } from './commands/resume.js';
import { rollbackHeadless } from './commands/rollback.js';
import { EXIT, InputError } from './exit.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

async function dispatch(args: ParsedArgs): Promise<number> {
  if (args.options.showVersion) return void process.stdout.write(`${version}\n`), EXIT.ok;
  if (args.options.help) return void process.stdout.write(`${USAGE}\n`), EXIT.ok;
  switch (args.command) {
    case 'export':
      return exportLog(args);
    case 'history':
      return history(args);
    case 'demo':
      return demo(args);
    case 'monitor':
      return monitor(args);
    case 'deploy':
    case 'resume':
    case 'rollback':
    case undefined:
      if (!args.options.headless) throw new InputError('the interactive TUI is not available yet: pass --headless');
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
 * step goes on on the target and is settled by `resume`.
 */
function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nInterrupted (${signal}): state saved. Continue with: cvd-tui resume\n`);
      process.exit(EXIT.interrupted);
    });
  }
}

/** Runs one command; returns the process exit code (DESIGN: 0, 1, 2, 130). */
export async function main(argv: string[]): Promise<number> {
  exitOnSignals();
  try {
    return await dispatch(parseCli(argv));
  } catch (error) {
    if (error instanceof InputError || error instanceof TransportRefused) {
      process.stderr.write(`cvd-tui: ${error.message}\n`);
      return EXIT.badInput;
    }
    // Anything else is unexpected: say what happened; the stack only when asked for.
    const detail = process.env.CVD_TUI_DEBUG ? ((error as Error).stack ?? String(error)) : (error as Error).message;
    process.stderr.write(`cvd-tui: ${detail}\nState is saved; \`cvd-tui resume\` continues a paused deployment (CVD_TUI_DEBUG=1 shows details).\n`);
    return EXIT.stepFailed;
  }
}
