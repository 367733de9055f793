import type { TargetConfig } from '../config/types.js';
import { sh } from '../shell/quote.js';
import type { StateStore } from '../state/store.js';
import { configInputs, tagsBetween, withMigration, type ConfigInput } from '../steps/phase2.js';
import { alongside, targetShell } from '../steps/shell.js';
import type { Facts } from '../steps/types.js';
import { SHA } from '../steps/verify.js';
import type { Transport } from '../transport/types.js';
import { execWithFacts } from './execute.js';
import { runningFacts } from './preflight.js';

/** Commit subjects listed; the rest are counted. A long-lived branch must not flood the screen. */
export const COMMITS_LISTED = 20;
/** Characters of a commit line kept on the target: more than any terminal shows. */
const COMMIT_LINE_MAX = 200;
/** Migrations or .env keys listed: a preview, not an inventory. */
const NAMES_LISTED = 30;

/** What 2.4 would do with one of its inputs: `changed` (a new file that differs), `same`, `none`. */
export type ConfigChange = 'changed' | 'same' | 'none' | 'unknown';

/** How the version to deploy stands to the running one, in the repository's history. */
export type Direction = 'same' | 'forward' | 'downgrade' | 'sideways' | 'unknown';

/** What a deployment of `version` would change, read from the target before phase 1. */
export interface ChangePreview {
  version: string;
  runningVersion: string;
  direction: Direction;
  /** `git log --oneline running..target`, newest first, at most COMMITS_LISTED; hostile text. */
  commits: string[];
  /** How many commits running..target holds (undefined: the tag is not on the target yet). */
  commitCount?: number;
  /** How many commits of the running version the target lacks (target..running). */
  commitsBack?: number;
  /** Tags whose migration 2.3 would apply, oldest first. */
  migrations: string[];
  /** Tags whose migration the running version has applied and the target lacks (a downgrade's danger). */
  migrationsLost: string[];
  env: ConfigChange;
  /** Names (never values) of the .env keys whose line differs in .env.new. */
  envKeys: string[];
  unit: ConfigChange;
  /** 2.1 start → 3.1 end of the last successful deployment on this target, when recorded. */
  downtime?: { ms: number; deploymentId: string; version: string };
}

/**
 * A downgrade that crosses a migration: the running version applied
 * migrations the target version does not know, and nothing undoes them.
 * Deploying it needs the operator's explicit word (`y`, `--allow-downgrade`).
 */
export const needsDowngradeConfirmation = (p: ChangePreview): boolean =>
  p.direction === 'downgrade' && p.migrationsLost.length > 0;

/** As the app user: whether a 2.4 input waits with a change (`changed`, `same`, `none`). */
const compare = ({ incoming, current }: ConfigInput) =>
  [
    sh`new=${incoming}; cur=${current}`,
    '[ -f "$new" ] || { echo none; exit 0; }',
    'if cmp -s -- "$new" "$cur"; then echo same; else echo changed; fi',
  ].join('\n');

/** As the app user: the names of the .env keys whose line is not the same in .env.new. */
const changedKeys = ({ incoming, current }: ConfigInput) =>
  [
    sh`[ -f ${incoming} ] || exit 0`,
    sh`comm -3 <(sort -- ${current} 2>/dev/null) <(sort -- ${incoming})` +
      ` | sed 's/^\\t//' | cut -d= -f1 | sort -u | head -n ${NAMES_LISTED}`,
  ].join('\n');

/**
 * One read-only command (over SSH every exec is a round trip): the running
 * version, the commits and migrations between it and `version`, and 2.4's
 * pending inputs. Every git command runs as the app user in the app
 * directory, the migrations exactly as 2.3 chooses them.
 */
export function changePreviewScript(target: TargetConfig, version: string): string {
  const t = targetShell(target);
  const ref = `refs/tags/${version}`;
  const [env, unit] = configInputs(target);
  const listed = (command: string) => `$(${t.inApp(command)} 2>/dev/null | tr '\\n' ' ')`;
  // Three groups of independent looks side by side: the operator waits for the preview before anything else happens.
  return t.script(
    alongside(
      'i=0',
      'while IFS= read -r line; do i=$((i + 1)); fact "commit$i" "$line"; done < <(' +
        t.inApp(
          sh`git log --oneline --no-decorate --no-color -n ${COMMITS_LISTED} ${`HEAD..${ref}`}` +
            ` | cut -c 1-${COMMIT_LINE_MAX}`,
        ) +
        ' 2>/dev/null)',
      `fact migrations "${listed(withMigration(target, tagsBetween('HEAD', ref), ref) + ` | head -n ${NAMES_LISTED}`)}"`,
      `fact migrationsLost "${listed(withMigration(target, tagsBetween(ref, 'HEAD'), 'HEAD') + ` | head -n ${NAMES_LISTED}`)}"`,
    ),
    alongside(
      `fact env "$(${t.asApp(compare(env))} 2>/dev/null)"`,
      `fact envKeys "${listed(changedKeys(env))}"`,
      `fact unit "$(${t.asApp(compare(unit))} 2>/dev/null)"`,
    ),
    ...runningFacts(t),
    `fact targetCommit "$(${t.inApp(sh`git rev-parse --verify -q ${`${ref}^{commit}`}`)} 2>/dev/null)"`,
    `fact commitCount "$(${t.inApp(sh`git rev-list --count ${`HEAD..${ref}`}`)} 2>/dev/null)"`,
    `fact commitsBack "$(${t.inApp(sh`git rev-list --count ${`${ref}..HEAD`}`)} 2>/dev/null)"`,
    'wait',
  );
}

const words = (text: string | undefined) => (text ?? '').split(' ').filter(Boolean);
const count = (text: string | undefined) => (/^\d+$/.test(text ?? '') ? Number(text) : undefined);
const change = (text: string | undefined): ConfigChange =>
  text === 'changed' || text === 'same' || text === 'none' ? text : 'unknown';

/** The preview from the script's facts (nonce-checked, yet hostile text: bounded here, made inert when shown). */
export function readChangePreview(facts: Facts, version: string): Omit<ChangePreview, 'downtime'> {
  const running = SHA.test(facts.runningCommit ?? '') ? facts.runningCommit : undefined;
  const target = SHA.test(facts.targetCommit ?? '') ? facts.targetCommit : undefined;
  const ahead = count(facts.commitCount);
  const back = count(facts.commitsBack);
  const runningVersion = facts.runningVersion || 'unknown';
  const direction: Direction =
    (running && running === target) || runningVersion === version
      ? 'same'
      : ahead === undefined || back === undefined
        ? 'unknown'
        : back === 0
          ? 'forward'
          : ahead === 0
            ? 'downgrade'
            : 'sideways';
  const commits: string[] = [];
  for (let i = 1; i <= COMMITS_LISTED && facts[`commit${i}`] !== undefined; i++)
    commits.push(facts[`commit${i}`]!.slice(0, COMMIT_LINE_MAX));
  return {
    version,
    runningVersion,
    direction,
    commits,
    commitCount: target ? ahead : undefined,
    commitsBack: target ? back : undefined,
    migrations: words(facts.migrations).slice(0, NAMES_LISTED),
    migrationsLost: words(facts.migrationsLost).slice(0, NAMES_LISTED),
    env: change(facts.env),
    envKeys: words(facts.envKeys).slice(0, NAMES_LISTED),
    unit: change(facts.unit),
  };
}

/** The downtime of the last successful deployment on `targetName`: 2.1's start to 3.1's end. */
export function lastDowntime(store: StateStore, targetName: string): ChangePreview['downtime'] {
  const last = store.previousSucceeded(targetName, Date.now());
  if (!last) return undefined;
  const attempts = store.attempts(last.id);
  const stop = attempts.filter((a) => a.stepId === '2.1' && a.status === 'succeeded').at(-1);
  const start = attempts.filter((a) => a.stepId === '3.1' && a.status === 'succeeded').at(-1);
  if (!stop || !start?.finishedAt || start.finishedAt < stop.startedAt) return undefined;
  return { ms: start.finishedAt - stop.startedAt, deploymentId: last.id, version: last.versionTo };
}

/** Reads the change preview of `version` from the target (one command) and the state database. */
export async function gatherChangePreview(
  ctx: { transport: Transport; target: TargetConfig; store: StateStore; targetName: string },
  version: string,
): Promise<ChangePreview> {
  const result = await execWithFacts(ctx.transport, changePreviewScript(ctx.target, version), {
    timeoutMs: 60_000,
  });
  if (result.outcome.kind !== 'exited')
    throw new Error(
      `could not read the change preview from the target (${result.outcome.kind === 'lost' ? result.outcome.reason : 'timed out'})`,
    );
  return {
    ...readChangePreview(result.facts, version),
    downtime: lastDowntime(ctx.store, ctx.targetName),
  };
}
