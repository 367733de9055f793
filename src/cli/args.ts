import { parseArgs } from 'node:util';
import { InputError } from './exit.js';

export const COMMANDS = ['deploy', 'resume', 'rollback', 'export', 'history', 'demo', 'init', 'doctor'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage: cvd-tui [command] [options]

Commands:
  (none)           interactive: offers Resume / Roll back / Abandon when the target has
                   an unfinished deployment, else starts deploy
  deploy           new deployment        --version <git tag>
  resume [id]      continue the latest (or given) unfinished deployment
  rollback [id]    emergency rollback of the latest (or given) deployment
  export [id]      execution log         --format md|json (default md)  --out <file>
  history          past deployments
  demo             build a local sandbox target and deploy to it   --dir <dir> [--no-tui]
  init             create or edit a target interactively
  doctor           read-only checks of a target

Options:
  --config <file>     config file (env CVD_TUI_CONFIG)
  --state <file>      state database (env CVD_TUI_STATE)
  --target <name>     target from the config (default: its defaultTarget)
  --operator <name>   who is deploying (default: $USER)
  --headless          no TUI: one line per step on stdout
  --confirm-all       headless only: tick every checklist item ("confirmed by flag")
  --take-over-lock    take the target's deploy lock from a deployment whose process is gone (recorded)
  --help, --version

Exit codes: 0 done and verified, 1 a step failed (resumable), 2 bad input, 130 interrupted.`;

const OPTIONS = {
  config: { type: 'string' },
  state: { type: 'string' },
  target: { type: 'string' },
  operator: { type: 'string' },
  version: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  dir: { type: 'string' },
  'no-tui': { type: 'boolean' },
  headless: { type: 'boolean' },
  'confirm-all': { type: 'boolean' },
  'take-over-lock': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ParsedArgs {
  command: Command | undefined;
  /** The optional deployment id of resume, rollback and export. */
  id: string | undefined;
  options: {
    config?: string;
    state?: string;
    target?: string;
    operator?: string;
    version?: string;
    format?: string;
    out?: string;
    dir?: string;
    noTui: boolean;
    headless: boolean;
    confirmAll: boolean;
    takeOverLock: boolean;
    help: boolean;
    showVersion: boolean;
  };
}

export function parseCli(argv: string[]): ParsedArgs {
  // --version is both "print cvd-tui's version" and "deploy this tag": it is the former only alone.
  const showVersion = argv.length === 1 && argv[0] === '--version';
  let parsed;
  try {
    parsed = parseArgs({ args: showVersion ? [] : argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const [command, id, ...extra] = parsed.positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command))
    throw new InputError(`unknown command "${command}"\n\n${USAGE}`);
  if (extra.length || (id !== undefined && !['resume', 'rollback', 'export'].includes(command!)))
    throw new InputError(`unexpected argument "${extra[0] ?? id}"\n\n${USAGE}`);
  const v = parsed.values;
  return {
    command: command as Command | undefined,
    id,
    options: {
      config: v.config ?? process.env.CVD_TUI_CONFIG,
      state: v.state ?? process.env.CVD_TUI_STATE,
      target: v.target,
      operator: v.operator,
      version: v.version,
      format: v.format,
      out: v.out,
      dir: v.dir,
      noTui: v['no-tui'] ?? false,
      headless: v.headless ?? false,
      confirmAll: v['confirm-all'] ?? false,
      takeOverLock: v['take-over-lock'] ?? false,
      help: v.help ?? false,
      showVersion,
    },
  };
}
