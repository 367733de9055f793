import type { TargetConfig } from '../config/types.js';
import type { AttemptRecord, Mode } from '../state/types.js';
import { targetShell } from '../steps/shell.js';
import type { Facts, ServiceState, StepDef } from '../steps/types.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';
import { execWithFacts } from './execute.js';

/**
 * Before a resume runs anything, the target is re-checked against what the
 * state says it should be at the current step: someone may have restarted
 * the service, checked out other code or deleted a backup while the
 * deployment was paused. (The deploy lock's holder is checked when the lock
 * is re-taken: another deployment's lock refuses the resume.)
 */

/** Backups the rollback restores from, by the fact that names them. */
const BACKUPS = ['dbBackup', 'appBackup', 'envBackup', 'unitBackup'] as const;

export interface Observed {
  service: string;
  head: string;
  /** The commit of the version being deployed, as the target's repository has it. */
  tagCommit: string;
  /** Keys of BACKUPS whose file is gone. */
  missing: string[];
}

/** Expected state; an absent field is not known (skipped, failed or interrupted steps) and is not checked. */
export interface Expected {
  service?: ServiceState;
  /** Any of these commits. */
  commits?: string[];
}

export async function observe(
  transport: Transport,
  target: TargetConfig,
  version: string,
  facts: Facts,
): Promise<Observed | undefined> {
  const t = targetShell(target);
  const backups = BACKUPS.filter((key) => facts[key]);
  const script = t.script(
    'fact service "$(service_state)"',
    `fact head "$(${t.inApp('git rev-parse HEAD')} 2>/dev/null)"`,
    `fact tagCommit "$(${t.inApp(sh`git rev-parse -q --verify ${`refs/tags/${version}^{commit}`}`)} 2>/dev/null)"`,
    // As the app user: the backups lie in its 0750 tree.
    ...backups.map((key) => `${t.asApp(sh`test -s ${facts[key]!}`)} || fact missing_${key} 1`),
  );
  const result = await execWithFacts(transport, script, { timeoutMs: 30_000 });
  if (result.outcome.kind !== 'exited') return undefined;
  const seen = result.facts;
  return {
    service: seen.service ?? '',
    head: seen.head ?? '',
    tagCommit: seen.tagCommit ?? '',
    missing: backups.filter((key) => seen[`missing_${key}`]),
  };
}

/**
 * Walks the steps in order: a succeeded step's effect is expected; the
 * first step that did not succeed ends the walk. If that step was
 * interrupted or failed, its effect may or may not have happened, so the
 * state it changes is accepted either way (the commit: before or after).
 */
export function expected(
  steps: readonly StepDef[],
  latest: Map<string, AttemptRecord>,
  mode: Mode,
  facts: Facts,
  tagCommit: string,
): Expected {
  // A rollback starts from wherever the deployment stopped: nothing is known until its own steps run.
  let service: ServiceState | undefined = mode === 'deploy' ? 'active' : undefined;
  let commits: string[] | undefined =
    mode === 'deploy' && facts.previousCommit ? [facts.previousCommit] : undefined;
  for (const step of steps) {
    const status = latest.get(step.id)?.status ?? 'pending';
    if (status === 'pending') break;
    const effect = step.effect;
    const after = effect.commit?.(facts, tagCommit);
    if (status === 'succeeded') {
      if (effect.service) service = effect.service;
      if (effect.commit) commits = after ? [after] : undefined;
      continue;
    }
    if (effect.service) service = undefined;
    if (effect.commit)
      commits = status === 'skipped' || !commits || !after ? undefined : [...commits, after];
    if (status !== 'skipped') break;
  }
  return { service, commits };
}

const short = (sha: string) => sha.slice(0, 12) || 'unreadable';
/** systemd's states as the two resume expects; `activating`/`deactivating` are on their way there, not drift. */
const SERVICE_STATES: Record<string, ServiceState> = {
  active: 'active',
  activating: 'active',
  inactive: 'stopped',
  failed: 'stopped',
  deactivating: 'stopped',
};
const serviceOf = (state: string): string => SERVICE_STATES[state] ?? (state || 'unknown');

export function driftLines(
  observed: Observed,
  expect: Expected,
  target: TargetConfig,
  facts: Facts,
): string[] {
  const lines: string[] = [];
  if (expect.service && serviceOf(observed.service) !== expect.service)
    lines.push(
      `service ${target.serviceName} is ${observed.service || 'unknown'}, expected ${expect.service}`,
    );
  if (expect.commits?.length && !expect.commits.includes(observed.head))
    lines.push(
      `checked-out commit is ${short(observed.head)}, expected ${expect.commits.map(short).join(' or ')}`,
    );
  for (const key of observed.missing) lines.push(`backup ${facts[key]} (${key}) is missing`);
  return lines;
}

export interface DriftInput {
  version: string;
  mode: Mode;
  steps: readonly StepDef[];
  latest: Map<string, AttemptRecord>;
  facts: Facts;
}

/** The drift found, one line each (empty: none); undefined when the target cannot be asked. */
export async function checkDrift(
  transport: Transport,
  target: TargetConfig,
  input: DriftInput,
): Promise<string[] | undefined> {
  const observed = await observe(transport, target, input.version, input.facts);
  if (!observed) return undefined;
  return driftLines(
    observed,
    expected(input.steps, input.latest, input.mode, input.facts, observed.tagCommit),
    target,
    input.facts,
  );
}
