/**
 * `sudo -n -ll`'s verbose listing, read to tell "allowed" from "allowed
 * without a password". `sudo -n -l CMD` exits 0 for both: an operator who
 * may also run everything with a password (group sudo) would pass every
 * probe, and the deployment's `sudo -n` would then be refused.
 */

/** One "Sudoers entry:" block. */
export interface SudoEntry {
  runAs: string[];
  passwordless: boolean;
  /** As listed, sudoers escapes undone; `ALL` for any command. */
  commands: string[];
}

const LIST_MARKER = 'Sudoers entry:';

/** The entries of a verbose listing; none when there is no listing (not allowed to list). */
export function parseSudoListing(output: string): SudoEntry[] {
  const entries: SudoEntry[] = [];
  let entry: SudoEntry | undefined;
  let inCommands = false;
  for (const line of output.split('\n')) {
    const text = line.trim();
    if (text === LIST_MARKER) {
      entries.push((entry = { runAs: [], passwordless: false, commands: [] }));
      inCommands = false;
    } else if (!entry || text === '') {
      inCommands = false;
    } else if (text.startsWith('RunAsUsers:')) {
      entry.runAs = list(text.slice('RunAsUsers:'.length));
    } else if (text.startsWith('Options:')) {
      entry.passwordless = list(text.slice('Options:'.length)).includes('!authenticate');
    } else if (text === 'Commands:') {
      inCommands = true;
    } else if (inCommands) {
      entry.commands.push(text.replace(/\\(.)/g, '$1'));
    }
  }
  return entries;
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Whether `argv` runs as root without a password: sudoers' last matching
 * entry decides, as in sudo. Programs compare by name, as sudo itself matches
 * /bin/x and /usr/bin/x when they are one file (wildcards are not read: a rule
 * with one does not match here).
 */
export function passwordlessAsRoot(
  entries: readonly SudoEntry[],
  argv: readonly string[],
): boolean {
  const [program, ...args] = argv;
  const matches = (c: string) => {
    if (c === 'ALL') return true;
    const [path, ...rest] = c.split(/\s+/);
    // A command listed without arguments allows any (sudoers(5)).
    return (
      basename(path!) === basename(program!) &&
      (rest.length === 0 || rest.join(' ') === args.join(' '))
    );
  };
  const last = entries.filter((e) => asRoot(e) && e.commands.some(matches)).at(-1);
  return last?.passwordless ?? false;
}

/** No RunAsUsers: sudoers' default, root. */
const asRoot = (e: SudoEntry) =>
  e.runAs.length === 0 || e.runAs.includes('root') || e.runAs.includes('ALL');

/**
 * Whether some rule lets the operator run commands as root with a password:
 * then `sudo -n -l CMD` cannot tell the two apart, and the listing must.
 */
export const hasPasswordRootRule = (entries: readonly SudoEntry[]): boolean =>
  entries.some((e) => !e.passwordless && asRoot(e));
