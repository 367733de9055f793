import type { EngineContext } from './context.js';
import { cli } from '../util/invocation.js';
import type { TargetConfig } from '../config/types.js';
import type { DeploymentRecord } from '../state/types.js';
import { CHECKLIST } from '../steps/checklist.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { asApp } from '../steps/privilege.js';
import { versionProblem } from '../steps/version.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';
import { DEPLOYMENT_ID, tickItem } from './deployment.js';
import { metaPath, parseMeta, type DeploymentMeta } from './deployment-meta.js';
import { journalState } from './execute.js';
import { journalDir } from './journal.js';
import { lockDir, parseToken } from './lock.js';
import type { Runner } from './runner.js';

/** Why there is nothing to recover, in words for the operator. */
export class NothingToRecover extends Error {}

/** One journaled attempt as rebuilt: its step, number and how it settled (a runner StepReport's status). */
export interface RecoveredAttempt {
  stepId: string;
  attempt: number;
  status: string;
  summary: string;
}

export interface Recovered {
  deployment: DeploymentRecord;
  attempts: RecoveredAttempt[];
  /** Names of the facts the journal gave back (previousCommit, backups, …). */
  facts: string[];
  /** The fleet and group the metadata names (a fleet's host; hostile text but the id's shape). */
  fleet?: { id: string; group: string };
}

const ORDER = [...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s) => s.id);
const ROLLBACK_IDS = new Set(ROLLBACK_STEPS.map((s) => s.id));
const ATTEMPT_DIR = /^([0-9R]\.\d+)-(\d{1,4})$/;
const PLAIN = /^[A-Za-z0-9._+@-]{1,64}$/;

async function read(transport: Transport, target: TargetConfig, command: string) {
  const result = await transport.exec(asApp(target, command), { timeoutMs: 60_000 });
  if (result.outcome.kind !== 'exited')
    throw new Error('the target did not answer while reading its journal: try again');
  return result.outcome.code === 0 ? result.output : undefined;
}

/**
 * The target's unfinished deployment: the one holding its deploy lock (a
 * deployment holds it from its start until it ends), with the metadata it
 * wrote beside its journal. Every byte read is checked before it is used.
 */
export async function findUnfinished(
  transport: Transport,
  target: TargetConfig,
): Promise<DeploymentMeta> {
  const deployments = target.paths.deployments;
  const owner = await read(transport, target, sh`cat -- ${lockDir(deployments) + '/owner'}`);
  const id = owner === undefined ? undefined : parseToken(owner.trim())?.deploymentId;
  if (id === undefined)
    throw new NothingToRecover(
      `no unfinished deployment on the target: its deploy lock (${lockDir(deployments)}) is free or names no deployment`,
    );
  if (!DEPLOYMENT_ID.test(id))
    throw new NothingToRecover('the deploy lock on the target names no valid deployment id');
  const text = await read(transport, target, sh`cat -- ${metaPath(deployments, id)}`);
  const meta = text === undefined ? undefined : parseMeta(text.trim());
  if (!meta)
    throw new NothingToRecover(
      `deployment ${id} holds the target's lock but recorded no start (${metaPath(deployments, id)}): ` +
        'it was stopped before its checks, so nothing ran; deploy again with --take-over-lock',
    );
  if (
    meta.id !== id ||
    versionProblem(meta.versionTo) ||
    ![meta.versionFrom, meta.operator, meta.jumpHost].every((v) => PLAIN.test(v))
  )
    throw new NothingToRecover(
      `the metadata of deployment ${id} on the target is not valid: ${metaPath(deployments, id)}`,
    );
  return meta;
}

/** The journaled attempts of a deployment, in the order they ran (runbook order, then rollback; by attempt). */
async function journaledAttempts(
  transport: Transport,
  target: TargetConfig,
  id: string,
): Promise<{ stepId: string; attempt: number }[]> {
  const listing = await read(
    transport,
    target,
    sh`cd -- ${`${target.paths.deployments}/${id}/journal`} 2>/dev/null && ls -1`,
  );
  return (listing ?? '')
    .split('\n')
    .map((name) => ATTEMPT_DIR.exec(name.trim()))
    .filter((m): m is RegExpExecArray => m !== null && ORDER.includes(m[1]!))
    .map((m) => ({ stepId: m[1]!, attempt: Number(m[2]) }))
    .sort((a, b) => ORDER.indexOf(a.stepId) - ORDER.indexOf(b.stepId) || a.attempt - b.attempt);
}

export interface RecoverRequest extends EngineContext {
  /** A runner of the recovered deployment: it settles each attempt from the journal exactly as resume does. */
  runner: (deploymentId: string) => Runner;
}

/**
 * Rebuilds the target's unfinished deployment into the state store from its
 * journal, so that it can be resumed or rolled back from here. Each
 * journaled attempt is recorded as running and settled by the runner from
 * the journal (exit status, output, facts, verification), the same path a
 * resume after a crash takes; one still running is left running for resume
 * to follow. Read-only steps are not journaled: they stay pending, and run
 * again (they are safe to). A deployment the store knows is refused.
 */
export async function recoverDeployment(r: RecoverRequest): Promise<Recovered> {
  const meta = await findUnfinished(r.transport, r.target);
  if (r.store.deployment(meta.id))
    throw new NothingToRecover(
      `deployment ${meta.id} is already in ${r.store.db.name}: resume or roll it back (${cli(`resume ${meta.id}`)})`,
    );
  const attempts = await journaledAttempts(r.transport, r.target, meta.id);
  const { store } = r;
  store.createDeployment({ ...meta, target: r.targetName });
  store.setVersionFrom(meta.id, meta.versionFrom);
  store.event(meta.id, 'recovered', r.operator, `from the target's journal, on ${r.jumpHost}`);
  // Steps ran only once the checklist was complete, on the jump host that lost its state.
  if (attempts.length)
    for (const item of CHECKLIST)
      tickItem(store, meta.id, item.id, {
        checked: true,
        by: `${meta.operator} (recovered: steps had run)`,
      });
  const runner = r.runner(meta.id);
  const rebuilt: RecoveredAttempt[] = [];
  for (const { stepId, attempt } of attempts) {
    if (ROLLBACK_IDS.has(stepId) && runner.deployment.mode !== 'rollback')
      store.setMode(meta.id, 'rollback', r.operator);
    const dir = journalDir(r.target.paths.deployments, meta.id, stepId, attempt);
    const script = await read(r.transport, r.target, sh`cat -- ${dir + '/script.sh'}`);
    store.recoveredAttempt(meta.id, stepId, attempt, script ?? '', r.operator);
    if ((await journalState(r.transport, r.target, dir))?.kind === 'running') {
      rebuilt.push({
        stepId,
        attempt,
        status: 'running',
        summary: 'still running on the target: resume follows it',
      });
      continue;
    }
    for (const report of await runner.settleInterrupted())
      rebuilt.push({ stepId, attempt, status: report.status, summary: report.summary });
  }
  return {
    deployment: store.deployment(meta.id)!,
    attempts: rebuilt,
    facts: Object.keys(store.facts(meta.id)).sort(),
    ...(meta.fleet && DEPLOYMENT_ID.test(meta.fleet) && meta.group !== undefined
      ? { fleet: { id: meta.fleet, group: meta.group } }
      : {}),
  };
}
