/**
 * The sudoers fragment a target's operator needs (`cvd-tui sudoers`): as the
 * app user anything, as root exactly the command lines of privilege.ts's
 * `rootArgv`, one rule a line so that doctor can name the missing one.
 */
import type { TargetConfig } from '../config/types.js';
import { ROOT_ACTIONS, rootArgv, type RootAction } from '../steps/privilege.js';
import type { ResolvedCommand } from './commands.js';

/** One rule of the fragment. */
export interface SudoersRule {
  /** What the rule allows, for doctor's row name, e.g. `systemctl stop cvd`. */
  label: string;
  /** undefined: as the app user. */
  action?: RootAction;
  /** The fragment line; undefined when a command's absolute path is unknown. */
  line?: string;
}

/**
 * sudoers(5): in a user name `! = : , ( )` and `\` are syntax, in command
 * arguments `, : =` and `\`; each is escaped. Whitespace cannot be written at
 * all; config rules keep paths and names free of it.
 */
function sudoersWord(word: string, syntax: RegExp): string {
  if (/\s/.test(word) || word === '')
    throw new Error(`"${word}" cannot be written in a sudoers rule`);
  return word.replace(syntax, (c) => `\\${c}`);
}
const userWord = (name: string) => sudoersWord(name, /[!=:,()\\]/g);
const argWord = (arg: string) => sudoersWord(arg, /[,:=\\]/g);

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function sudoersRules(
  target: TargetConfig,
  operator: string,
  commands: readonly ResolvedCommand[],
): SudoersRule[] {
  const pathOf = new Map(commands.map((c) => [c.name, c.path]));
  const asApp: SudoersRule = {
    label: `as ${target.appUser}`,
    line: `${userWord(operator)} ALL=(${userWord(target.appUser)}) NOPASSWD: ALL`,
  };
  return [
    asApp,
    ...ROOT_ACTIONS.map((action) => {
      const [program, ...args] = rootArgv(target, action);
      const path = pathOf.get(program!);
      return {
        label: [basename(program!), ...args.map(basename)].join(' '),
        action,
        ...(path
          ? {
              line: `${userWord(operator)} ALL=(root) NOPASSWD: ${[path, ...args].map(argWord).join(' ')}`,
            }
          : {}),
      };
    }),
  ];
}

/** Where a program's path came from, as a comment line of the fragment. */
function provenance(command: ResolvedCommand): string {
  return command.source === 'target'
    ? `# ${command.path}: found with command -v on the target`
    : `# ${command.path}: from the config (absolute; not executable by the operator, or not on its PATH)`;
}

/**
 * The whole fragment, for /etc/sudoers.d. Throws naming the program whose
 * absolute path is unknown: a rule without one would never match.
 */
export function sudoersFragment(
  targetName: string,
  target: TargetConfig,
  operator: string,
  commands: readonly ResolvedCommand[],
): string {
  const missing = commands.find((c) => !c.path);
  if (missing)
    throw new Error(
      `${missing.name} was not found on the target (command -v): install it` +
        (missing.name === target.serviceCtl ? ', or set serviceCtl to its absolute path' : ''),
    );
  const file = `/etc/sudoers.d/cvd-${targetName.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const [asApp, ...asRoot] = sudoersRules(target, operator, commands);
  return [
    `# cvd-tui: what ${operator} needs to deploy to target ${targetName}.`,
    `# Install as root: visudo -cf FILE && install -m 0440 FILE ${file}`,
    `# As ${target.appUser} anything: every command in the app's tree runs as its owner.`,
    asApp!.line!,
    '# As root only these command lines, each matched exactly: no shell, no wildcard.',
    ...commands.map(provenance),
    ...asRoot.map((rule) => rule.line!),
    '',
  ].join('\n');
}
