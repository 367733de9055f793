import { parseArgs } from 'node:util';
import { rules } from '../config/rules.js';
import { DEPLOYMENT_ID } from '../engine/deployment.js';
import { FINGERPRINT_PATTERN } from '../transport/fingerprint.js';
import { GROUP_NAME } from '../fleet/inventory-model.js';
import { printable } from '../util/text.js';
import { InputError } from '../util/exit.js';
import { errorMessage } from '../util/error.js';
import { cli } from '../util/invocation.js';

export const COMMANDS = [
  'deploy',
  'resume',
  'rollback',
  'export',
  'history',
  'demo',
  'init',
  'doctor',
  'monitor',
  'verify',
  'sudoers',
  'recover',
] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage: cvd-tui [command] [options]

Commands:
  (none)           interactive: offers Resume / Roll back / Abandon when the target has
                   an unfinished deployment, else starts deploy
  deploy           new deployment        --version <git tag>
  resume [id]      continue the latest (or given) unfinished deployment
  rollback [id]    emergency rollback of the latest (or given) deployment
  export [id]      execution log         --format md|json (default md)  --out <file>
                   [--sign: sign it with your SSH key (the target's privateKeyPath, else
                   ssh-agent's first key) into <file>.sig, ssh-keygen -Y format, namespace cvd-tui]
  history          past deployments
  monitor [id]     post-deployment monitoring of the latest (or given) deployment against the
                   runbook's limits   --minutes N (default 120)  --interval S (default 15)
  demo             build a local sandbox target and deploy to it   --dir <dir> [--no-tui]
  init             create or edit a target interactively
  doctor           read-only checks of a target
  verify <file>    check an exported execution log: its signature (<file>.sig) against
                   --allowed-signers <file> (default ~/.ssh/allowed_signers), and its hash chain
                   (against the state database too, when it holds the deployment)
  verify --state [id]
                   check the state database's record (every deployment, or one): names each
                   event or step result edited or deleted after it was recorded
  sudoers          print the sudoers fragment the target's operator needs (for /etc/sudoers.d)
  recover          rebuild the target's unfinished deployment from its journal (another jump host,
                   a lost state database), then resume or roll it back

Options:
  --config <file>     config file (env CVD_TUI_CONFIG)
  --state <file>      state database (env CVD_TUI_STATE)
  --target <name>     target, or group of targets (a fleet), from the config (default: its defaultTarget)
  --operator <name>   who is deploying (default: $USER)
  --headless          no TUI: one line per step on stdout
  --confirm-all       headless only: tick every checklist item ("confirmed by flag")
  --take-over-lock    take the target's deploy lock from a deployment whose process is gone (recorded)
  --allow-downgrade   headless deploy: go back to an older version although the database keeps
                      migrations it lacks (without this flag: refused, exit 2; the TUI asks y)
  --inventory <file> --group <name>
                      a fleet from an Ansible inventory group (INI or YAML), each host an
                      ssh target with the settings of --target (else defaultTarget); group vars
                      cvd_tui_canary, cvd_tui_batch_size, cvd_tui_max_failures (default 1, 1, 0)
  --skip-host <host> --reason <text>
                      resume --headless of a fleet: leave that host out with the reason
                      (recorded; its deployment abandoned), then go on with the rollout;
                      a canary is never skipped (retry it, or roll the fleet back)
  --plan              deploy, rollback: print every step's commands, checks and re-run safety; run nothing
                      (a deploy plan starts with the change preview: commits, migrations, config
                      changes and expected downtime, read from the target)
  --trust-host-key <SHA256:…>
                      trust a host seen for the first time if it presents exactly this key
                      (added to known_hosts); a changed key is refused whatever is passed
  --help, --version

Exit codes: 0 done and verified, 1 a step failed (resumable) or verify found a problem,
2 bad input, 130 interrupted.`;

const OPTIONS = {
  config: { type: 'string' },
  state: { type: 'string' },
  target: { type: 'string' },
  operator: { type: 'string' },
  version: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  dir: { type: 'string' },
  minutes: { type: 'string' },
  interval: { type: 'string' },
  'no-tui': { type: 'boolean' },
  headless: { type: 'boolean' },
  'confirm-all': { type: 'boolean' },
  'take-over-lock': { type: 'boolean' },
  'allow-downgrade': { type: 'boolean' },
  plan: { type: 'boolean' },
  'trust-host-key': { type: 'string' },
  sign: { type: 'boolean' },
  'allowed-signers': { type: 'string' },
  inventory: { type: 'string' },
  group: { type: 'string' },
  'skip-host': { type: 'string' },
  reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ParsedArgs {
  command: Command | undefined;
  /** The optional deployment id of resume, rollback, export, monitor and verify. */
  id: string | undefined;
  /** verify's execution log file. */
  file: string | undefined;
  options: {
    config?: string;
    state?: string;
    target?: string;
    operator?: string;
    version?: string;
    format?: string;
    out?: string;
    dir?: string;
    /** monitor's window, as typed; the command parses it. */
    minutes?: string;
    /** monitor's seconds between samples, as typed. */
    interval?: string;
    noTui: boolean;
    headless: boolean;
    confirmAll: boolean;
    takeOverLock: boolean;
    /** `--allow-downgrade`: a headless deploy may go back across a migration. */
    allowDowngrade: boolean;
    /** `--plan`: print what deploy or rollback would run, run nothing. */
    plan: boolean;
    /** `--trust-host-key`: a `SHA256:` fingerprint (checked here). */
    trustHostKey?: string;
    /** export `--sign`: sign the file written by `--out`. */
    sign: boolean;
    allowedSigners?: string;
    /** `--inventory`: an Ansible inventory file whose `--group` is the fleet to deploy. */
    inventory?: string;
    group?: string;
    /** `--skip-host`: resume of a fleet leaves this host out first, with `reason`. */
    skipHost?: string;
    reason?: string;
    /** verify: `--state` was given, with or without a database path. */
    checkState: boolean;
    help: boolean;
    showVersion: boolean;
  };
}

export function parseCli(argv: string[]): ParsedArgs {
  // --version is both "print cvd-tui's version" and "deploy this tag": it is the former only alone.
  const showVersion = argv.length === 1 && argv[0] === '--version';
  const verifyState = bareVerifyState(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: showVersion ? [] : verifyState.argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new InputError(`${errorMessage(error)}\n\n${USAGE}`);
  }
  const [command, positional, ...extra] = parsed.positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command))
    throw new InputError(`unknown command "${command}"\n\n${USAGE}`);
  if (
    extra.length ||
    (positional !== undefined &&
      !['resume', 'rollback', 'export', 'monitor', 'verify'].includes(command!))
  )
    throw new InputError(`unexpected argument "${extra[0] ?? positional}"\n\n${USAGE}`);
  // verify takes a file, or with --state a deployment id.
  const file =
    command === 'verify' && !DEPLOYMENT_ID.test(positional ?? '') ? positional : undefined;
  const id = file === undefined ? positional : undefined;
  const v = parsed.values;
  refuseBadValues(command, id, v);
  return {
    command: command as Command | undefined,
    id,
    file,
    options: {
      config: v.config ?? process.env.CVD_TUI_CONFIG,
      state: v.state ?? process.env.CVD_TUI_STATE,
      target: v.target,
      operator: v.operator,
      version: v.version,
      format: v.format,
      out: v.out,
      dir: v.dir,
      minutes: v.minutes,
      interval: v.interval,
      noTui: v['no-tui'] ?? false,
      headless: v.headless ?? false,
      confirmAll: v['confirm-all'] ?? false,
      takeOverLock: v['take-over-lock'] ?? false,
      allowDowngrade: v['allow-downgrade'] ?? false,
      plan: v.plan ?? false,
      trustHostKey: v['trust-host-key'],
      sign: v.sign ?? false,
      allowedSigners: v['allowed-signers'],
      inventory: v.inventory,
      group: v.group,
      skipHost: v['skip-host'],
      reason: v.reason,
      checkState: command === 'verify' && (verifyState.bare || v.state !== undefined),
      help: v.help ?? false,
      showVersion,
    },
  };
}

/**
 * `verify --state [id]` asks for the state database's check, at its usual
 * path: there `--state` may stand alone, where everywhere else it names a file.
 * A bare `--state` (last, or before an option or a deployment id) is taken out.
 */
function bareVerifyState(argv: string[]): { argv: string[]; bare: boolean } {
  if (!argv.includes('verify')) return { argv, bare: false };
  const at = argv.findIndex(
    (arg, i) =>
      arg === '--state' &&
      (i === argv.length - 1 || argv[i + 1]!.startsWith('-') || DEPLOYMENT_ID.test(argv[i + 1]!)),
  );
  return at < 0 ? { argv, bare: false } : { argv: argv.toSpliced(at, 1), bare: true };
}

/** The commands that act on a fleet, and so may name one by `--inventory`/`--group`. */
const FLEET_COMMANDS = [
  'deploy',
  'resume',
  'rollback',
  'export',
  'history',
  'doctor',
  'monitor',
  'recover',
];

/** Values checked before any command opens a file or a connection (exit 2). */
function refuseBadValues(
  command: string | undefined,
  id: string | undefined,
  v: {
    target?: string;
    plan?: boolean;
    'trust-host-key'?: string;
    sign?: boolean;
    out?: string;
    'allow-downgrade'?: boolean;
    inventory?: string;
    group?: string;
    headless?: boolean;
    'skip-host'?: string;
    reason?: string;
  },
): void {
  if (id !== undefined && !DEPLOYMENT_ID.test(id))
    throw new InputError(
      `"${printable(id)}" is not a deployment id (such as 20250101_120000_ab12): see ${cli('history')}`,
    );
  if (v.target !== undefined && !rules.name.test(v.target))
    throw new InputError(`--target "${printable(v.target)}" must be ${rules.name.expect}`);
  const fingerprint = v['trust-host-key'];
  if (fingerprint !== undefined && !FINGERPRINT_PATTERN.test(fingerprint))
    throw new InputError(
      `--trust-host-key "${printable(fingerprint)}" is not a fingerprint: SHA256: and 43 base64 characters, as ssh-keygen -lf prints`,
    );
  if (v.plan && command !== 'deploy' && command !== 'rollback')
    throw new InputError('--plan goes with deploy or rollback');
  if (v['allow-downgrade'] && command !== 'deploy')
    throw new InputError('--allow-downgrade goes with deploy --headless (the TUI asks instead)');
  if (
    (v.inventory === undefined) !== (v.group === undefined) ||
    (v.inventory && !FLEET_COMMANDS.includes(command ?? ''))
  )
    throw new InputError(
      `--inventory <file> and --group <name> go together, with ${FLEET_COMMANDS.join(', ')}: the fleet is that group of the inventory`,
    );
  if (v.group !== undefined && !GROUP_NAME.test(v.group))
    throw new InputError(
      `--group "${printable(v.group)}" must be an inventory group name: letters, digits and _`,
    );
  refuseBadSkip(command, v);
  if (v.sign && (command !== 'export' || !v.out))
    throw new InputError(
      '--sign goes with export --out <file>: the signature is written to <file>.sig',
    );
}

/**
 * `resume --headless --skip-host HOST --reason TEXT`: the reason is recorded
 * in the host's execution log, so a skip without one (or with a blank one,
 * or one that is not a line of text) is refused, naming the flag.
 */
function refuseBadSkip(
  command: string | undefined,
  v: { headless?: boolean; 'skip-host'?: string; reason?: string },
): void {
  const host = v['skip-host'];
  if (host === undefined) {
    if (v.reason !== undefined)
      throw new InputError(
        '--reason goes with --skip-host <host>: it says why the host is left out',
      );
    return;
  }
  if (command !== 'resume' || !v.headless)
    throw new InputError(
      '--skip-host goes with resume --headless (on the fleet screen, s skips the selected host)',
    );
  if (!rules.name.test(host) && !rules.host.test(host))
    throw new InputError(`--skip-host "${printable(host)}" must be a host of the fleet, by name`);
  if (!v.reason?.trim())
    throw new InputError(
      `--skip-host ${host} needs --reason <text>: why the host is left out (recorded in its execution log)`,
    );
  if (/\p{Cc}/u.test(v.reason))
    throw new InputError('--reason must be one line of text, without control characters');
}
