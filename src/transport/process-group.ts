/**
 * Ending a remote command when the caller gives up. Without a pty a command
 * outlives its closed channel until it next writes (FIELD-NOTES): a hung
 * `cvdctl status` stayed on the target after Ctrl-C. So every command runs in
 * a process group of its own, whose id it announces first on stdout, and
 * giving up kills that group through a second exec.
 */
import { randomBytes } from 'node:crypto';
import { sh } from '../shell/quote.js';

/** Between TERM (which sudo relays to the command it runs) and KILL. */
export const GIVE_UP_GRACE_MS = 2000;

/** A command wrapped to run in a process group of its own. */
export interface GroupedCommand {
  /** What the server runs: the command with bash, as before, in a process group of its own. */
  wrapped: string;
  /** Random, in the group leader's command line (its `$0`) and in its announcement. */
  tag: string;
}

/**
 * bash's job control (`set -m`) puts the command in a group of its own, led
 * by a subshell that announces `CVD-PGID <tag> <pgid>` before the command
 * starts: nothing the command prints can come first or know the random tag.
 * Only bash is needed (util-linux's `setsid -w` is missing from older
 * servers, and it reports a child's signal death with the raw number). The
 * outer bash, outside the group, waits and passes the exit status on, 128 + n
 * for a signal; its own stderr and the subshell's are silenced (job notices,
 * "Terminated"), the command's is the channel's, through fd 3. The
 * subshell's `exit` keeps bash from exec'ing the command in its place: the
 * leader must stay the process whose command line holds the tag.
 */
export function inProcessGroup(command: string): GroupedCommand {
  const tag = `cvd-exec-${randomBytes(8).toString('hex')}`;
  const leader =
    `exec 3>&2 2>/dev/null; set -m; { printf 'CVD-PGID %s %s\\n' "$0" "$BASHPID"; ` +
    'bash -c "$1" 2>&3 3>&-; exit "$?"; } & wait "$!"; exit "$?"';
  return { wrapped: sh`bash -c ${leader} ${tag} ${command}`, tag };
}

/**
 * Takes the announcement out of the command's stdout and keeps the group id.
 * Lines before it (a login script's noise) pass through; after it, everything.
 */
export class GroupAnnouncement {
  pgid: number | undefined;
  private pending = '';
  private readonly waiters = new Set<(pgid: number | undefined) => void>();

  constructor(private readonly tag: string) {}

  /** The stdout text to keep. */
  take(text: string): string {
    if (this.pgid !== undefined) return text;
    this.pending += text;
    let kept = '';
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      const match = /^CVD-PGID (cvd-exec-[0-9a-f]{16}) ([1-9][0-9]{0,9})$/.exec(line);
      if (match?.[1] !== this.tag) {
        kept += `${line}\n`;
        continue;
      }
      this.settle(Number(match[2]));
      kept += this.pending;
      this.pending = '';
      break;
    }
    return kept;
  }

  /** The end of stdout: what is still held back; no announcement is coming any more. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    this.settle(this.pgid);
    return rest;
  }

  /** The group id once announced; undefined when stdout ended without one or `withinMs` passed. */
  wait(withinMs: number): Promise<number | undefined> {
    if (this.pgid !== undefined) return Promise.resolve(this.pgid);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), withinMs);
      const done = (pgid: number | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(pgid);
      };
      this.waiters.add(done);
    });
  }

  private settle(pgid: number | undefined): void {
    this.pgid = pgid;
    for (const waiter of [...this.waiters]) waiter(pgid);
  }
}

/**
 * Ends the group: TERM, then KILL what is left after the grace. Only while
 * the group's leader is still the subshell we started (its command line holds
 * the tag): once it is gone the group id may be reused, so nothing is sent.
 * Prints `ended`, `leader-gone` (nothing signalled) or `left` (exit 1).
 */
export function endGroupCommand(pgid: number, tag: string): string {
  const polls = GIVE_UP_GRACE_MS / 100;
  return [
    sh`pg=${pgid}; tag=${tag}`,
    'grep -qaF -- "$tag" "/proc/$pg/cmdline" 2>/dev/null || { echo leader-gone; exit 0; }',
    // Members are found in /proc rather than with kill -0, which counts zombies nobody reaps yet.
    'alive() { local f l; for f in /proc/[0-9]*/stat; do read -r l < "$f" 2>/dev/null || continue; set -- ${l##*) }; [ "$1" != Z ] && [ "$3" = "$pg" ] && return 0; done; return 1; }',
    'gone() { for _ in $(seq "$1"); do alive || return 0; sleep 0.1; done; return 1; }',
    `kill -TERM -- "-$pg" 2>/dev/null; gone ${polls} && { echo ended; exit 0; }`,
    `kill -KILL -- "-$pg" 2>/dev/null; gone ${polls} && { echo ended; exit 0; }`,
    'echo left; exit 1',
  ].join('\n');
}
