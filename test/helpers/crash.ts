/**
 * Deterministic crash points without hooks in the product: every bash that
 * cvd-tui starts on the target (the local transport's `bash -c`, the journal's
 * launcher, the detached `bash script.sh`) sources $BASH_ENV, and this file
 * arms one crash point there. Armed for step X it either blocks X before its
 * command starts (`start`: the step is marked running, nothing ran yet) or
 * pauses X's script at a line in its middle (`mid`) until the test releases
 * it. Over ssh a forced command in authorized_keys exports BASH_ENV
 * (OpenSSH's own `command=` option), so the same hook works there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import { startCli, type RunningCli } from './cli.js';
import { processes, signal } from './sshd.js';
import { waitFor } from './wait.js';

export const RUNBOOK_STEPS = DEPLOY_STEPS.map((s) => s.id);
export const MUTATING = new Set(DEPLOY_STEPS.filter((s) => s.mutates.length).map((s) => s.id));

/** A line only the read-only step's own script contains: identifies its `bash -c`. */
const READ_ONLY_MARKER: Record<string, string> = {
  '1.1': '=== System Status Check ===',
  '3.2': '=== Running Health Checks ===',
  '3.3': '=== Running Functional Tests ===',
  '3.4': '=== Verifying SSL Configuration ===',
  '4.1': '=== Monitoring Application Logs ===',
  '4.2': '=== Performance Baseline Check ===',
  '4.3': '=== User Acceptance Testing ===',
  '5.3': '=== Final Verification ===',
};

/** Where `mid` pauses each step: a command after some of its work is done (for 2.3: the migration is committed). */
export const PAUSE_AT: Record<string, string> = {
  '1.1': 'fact serviceState',
  '1.2': 'Deployment directory',
  '1.3': 'Creating Application Backup',
  '2.1': 'wait_for',
  '2.2': 'Installing dependencies',
  '2.3': 'applied="$applied',
  '2.4': 'fact envChanged',
  '3.1': 'wait_for',
  '3.2': 'fact detailedHealth',
  '3.3': 'fact devicesCode',
  '3.4': 'fact certNotAfter',
  '4.1': 'fact errorCount',
  '4.2': 'fact responseSeconds',
  '4.3': 'fact manifestCode',
  '5.1': 'fact deployedShort',
  '5.2': 'fact backupsKept',
  '5.3': 'fact finalHealth',
};

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The rule names an action for the step's entry bash (read-only: its `bash -c`;
 * mutating: the journal's launcher) and for its detached `script.sh`:
 * `block` (never runs on; registers the hit), `pause:<text>` (waits for the
 * release at the first command containing text; registers the hit),
 * `wait:<text>` (the same wait, without registering a hit).
 */
const HOOK = (
  ctl: string,
) => `# BASH_ENV of the crash tests: inert unless a crash point is armed in ${ctl}/rule.sh.
__cvd_ctl=${q(ctl)}
if [ -r "$__cvd_ctl/rule.sh" ]; then
  . "$__cvd_ctl/rule.sh"
  __cvd_act=none
  if [ "$__cvd_journaled" = 1 ]; then
    case "\${BASH_EXECUTION_STRING-}" in *"$__cvd_marker"*'setsid nohup'*) __cvd_act=$__cvd_entry ;; esac
    case "$0" in *"$__cvd_marker"*/script.sh) __cvd_act=$__cvd_script ;; esac
  else
    case "\${BASH_EXECUTION_STRING-}" in *"$__cvd_marker"*) __cvd_act=$__cvd_entry ;; esac
  fi
  __cvd_hit() {
    mkdir "$__cvd_ctl/$1.d" 2>/dev/null || return 1
    [ "$1" = wait ] || { echo "$$" > "$__cvd_ctl/hit.tmp" && mv -f "$__cvd_ctl/hit.tmp" "$__cvd_ctl/hit"; }
  }
  __cvd_at() {
    case "$BASH_COMMAND" in *"$__cvd_text"*) ;; *) return 0 ;; esac
    trap - DEBUG
    __cvd_hit "$__cvd_kind" || return 0
    # A test that failed and removed its demo must not leave this waiting forever.
    until [ -e "$__cvd_ctl/release.$__cvd_tag" ] || [ ! -d "$__cvd_ctl" ]; do sleep 0.05; done
  }
  case "$__cvd_act" in
    block) __cvd_hit hit && exec sleep 600 ;;
    pause:* | wait:*)
      __cvd_kind=\${__cvd_act%%:*}; __cvd_text=\${__cvd_act#*:}
      [ "$__cvd_kind" = pause ] && __cvd_kind=hit
      trap __cvd_at DEBUG ;;
  esac
fi
`;

export type CrashMode =
  /** Blocked before the step's command starts (mutating: before the journal launches it). */
  | 'start'
  /** Paused in the middle of the step's script (PAUSE_AT). */
  | 'mid'
  /**
   * Mutating only: the launcher paused right after starting the step, before
   * it follows it (the step records its own pid); the step itself waits
   * mid-way for the same release.
   */
  | 'launched';

export interface Hit {
  pid: number;
  /** Lets a paused (`mid`, `launched`) step go on; a `start` block never does. */
  release(): void;
}

export interface CrashHook {
  file: string;
  env: { BASH_ENV: string };
  /** Arms one crash point (clearing the last); `at` overrides where `mid` pauses (PAUSE_AT). */
  arm(step: string, mode: CrashMode, at?: string): void;
  disarm(): void;
  /** Once the armed point is reached: the blocked or paused bash, and how to let a paused one go on. */
  waitHit(timeoutMs?: number): Promise<Hit>;
  /** Kills what this hook blocked, and ends every wait (the hook is inert afterwards). */
  cleanup(): void;
}

export function crashHook(dir: string): CrashHook {
  const ctl = join(dir, 'crash-ctl');
  mkdirSync(ctl, { recursive: true });
  const file = join(dir, 'crash-hook.sh');
  writeFileSync(file, HOOK(ctl));
  let tag = 0;
  let armedMode: CrashMode | undefined;
  const hits: number[] = [];
  const clear = () => {
    for (const f of ['rule.sh', 'hit', 'hit.tmp', 'hit.d', 'wait.d'])
      rmSync(join(ctl, f), { recursive: true, force: true });
  };
  return {
    file,
    env: { BASH_ENV: file },
    arm(step, mode, at) {
      clear();
      tag++;
      armedMode = mode;
      const journaled = MUTATING.has(step);
      if (mode === 'launched' && !journaled) throw new Error(`${step} is not journaled`);
      const middle = at ?? PAUSE_AT[step]!;
      const rule = {
        __cvd_tag: String(tag),
        __cvd_journaled: journaled ? '1' : '0',
        __cvd_marker: journaled ? `/journal/${step}-` : READ_ONLY_MARKER[step]!,
        __cvd_entry:
          mode === 'start'
            ? 'block'
            : mode === 'launched'
              ? 'pause:p=$!'
              : journaled
                ? 'none'
                : `pause:${middle}`,
        __cvd_script:
          mode === 'mid' ? `pause:${middle}` : mode === 'launched' ? `wait:${middle}` : 'none',
      };
      writeFileSync(
        join(ctl, 'rule.tmp'),
        Object.entries(rule)
          .map(([k, v]) => `${k}=${q(v)}\n`)
          .join(''),
      );
      execFileSync('mv', ['-f', join(ctl, 'rule.tmp'), join(ctl, 'rule.sh')]);
    },
    disarm: clear,
    async waitHit(timeoutMs = 60_000) {
      const hit = join(ctl, 'hit');
      await waitFor(() => existsSync(hit), timeoutMs);
      // The launcher pauses right after starting the step, which may not have
      // read the rule yet: a disarm now would let it run straight through.
      if (armedMode === 'launched') await waitFor(() => existsSync(join(ctl, 'wait.d')), timeoutMs);
      const pid = Number(readFileSync(hit, 'utf8').trim());
      hits.push(pid);
      const token = join(ctl, `release.${tag}`);
      return { pid, release: () => writeFileSync(token, '') };
    },
    cleanup() {
      for (const pid of hits.splice(0)) signal(pid, 'SIGKILL');
      rmSync(ctl, { recursive: true, force: true }); // ends every wait of the hook
    },
  };
}

/** Lets an OpenSSH server's key log in only through a forced command that exports BASH_ENV (then runs what was asked). */
export function forceBashEnvOverSsh(authorizedKeys: string, hookFile: string): void {
  const key = readFileSync(authorizedKeys, 'utf8')
    .trim()
    .split('\n')[0]!
    .replace(/^command="[^"]*" /, '');
  const command = `export BASH_ENV=${q(hookFile)}; eval \\"$SSH_ORIGINAL_COMMAND\\"`;
  writeFileSync(authorizedKeys, `command="${command}" ${key}\n`, { mode: 0o600 });
}

/** A step left paused on the target (mid-command) while cvd-tui died. */
export interface Paused {
  /** The journal's output file of its attempt. */
  out: string;
  release(): void;
}

/**
 * Starts cvd-tui. With a step paused on the target, waits until this run
 * has reattached to it (one more follower of its output) and only then lets
 * it go on, so the run must follow the step to its end.
 */
export async function startReattaching(
  args: string[],
  env: Record<string, string> = {},
  paused?: Paused,
): Promise<RunningCli> {
  // By pid, not by count: the killed run's own follower may exit at any moment.
  const before = new Set(paused ? followers(paused.out) : []);
  const cli = startCli(args, env);
  if (paused) {
    await Promise.race([
      waitFor(() => followers(paused.out).some((pid) => !before.has(pid)), 60_000, 50),
      cli.done.then((r) =>
        Promise.reject(
          new Error(`cvd-tui did not reattach to ${paused.out}:\n${r.stdout}${r.stderr}`),
        ),
      ),
    ]);
    paused.release();
  }
  return cli;
}

export interface AttemptRow {
  step_id: string;
  attempt: number;
  status: string;
  summary: string | null;
  outcome_unknown: number;
}

/** The latest deployment's attempts, read from the state database without writing to it. */
export function attempts(statePath: string): AttemptRow[] {
  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT step_id, attempt, status, summary, outcome_unknown FROM attempts
         WHERE deployment_id = (SELECT id FROM deployments ORDER BY started_at DESC LIMIT 1) ORDER BY rowid`,
      )
      .all() as AttemptRow[];
  } finally {
    db.close();
  }
}

export function latestDeploymentId(statePath: string): string {
  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare('SELECT id FROM deployments ORDER BY started_at DESC LIMIT 1').get() as {
        id: string;
      }
    ).id;
  } finally {
    db.close();
  }
}

/** `<step>-<attempt>` journal directories of a deployment, each with its recorded exit status (undefined: none). */
export function journalRuns(deployments: string, id: string): Map<string, string | undefined> {
  const dir = join(deployments, id, 'journal');
  const runs = new Map<string, string | undefined>();
  if (!existsSync(dir)) return runs;
  for (const name of readdirSync(dir).sort()) {
    const rc = join(dir, name, 'rc');
    runs.set(name, existsSync(rc) ? readFileSync(rc, 'utf8').trim() : undefined);
  }
  return runs;
}

/** The processes following the given journal output file (`tail … -f <out>`). */
export const followers = (outFile: string) =>
  processes()
    .filter((p) => p.cmdline.startsWith('tail ') && p.cmdline.endsWith(outFile))
    .map((p) => p.pid);

/**
 * A digest of what a deployment must leave identical: the schema and the
 * app's tables (devices, planograms, users), not anything time-dependent.
 */
export function appDataDigest(database: string): string {
  return execFileSync(
    'bash',
    ['-c', 'sqlite3 "$1" .schema ".dump devices planograms users" | sha256sum', '_', database],
    {
      encoding: 'utf8',
    },
  ).split(' ')[0]!;
}

/** Shortens the demo's 4.1 log window (5.3 waits for it to close) to keep the suite fast. */
export function shortLogWindow(configPath: string): void {
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.targets.demo.logWindowSeconds = 1;
  writeFileSync(configPath, JSON.stringify(config, null, 2));
}

/** A config/.env.new that 2.4 installs: the demo's .env plus one setting, so the app still starts. */
export function stageEnvChange(demoDir: string): string {
  const env = readFileSync(join(demoDir, 'config', '.env'), 'utf8');
  const staged = `${env}FEATURE_CRASH_SAFE=1\n`;
  writeFileSync(join(demoDir, 'config', '.env.new'), staged, { mode: 0o600 });
  return staged;
}
