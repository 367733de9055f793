import { sh } from '../transport/quote.js';
import type { StateStore } from '../state/store.js';
import type { Transport } from '../transport/types.js';

/**
 * The deploy lock on the target: a directory made with `mkdir` (atomic on
 * every filesystem), holding a token that names its owner. It is held by a
 * deployment from its start until it ends (succeeded, rolled back,
 * abandoned), across pauses and resumes; only its owner releases it.
 */
export interface LockToken {
  deploymentId: string;
  operator: string;
  jumpHost: string;
  pid: number;
  since: string;
}

export type LockResult =
  | { kind: 'acquired'; tookOverFrom?: LockToken }
  | { kind: 'held'; holder: LockToken | undefined; stale: boolean };

export const lockDir = (deployments: string) => `${deployments}/.lock`;

const FIELDS = ['deploymentId', 'operator', 'jumpHost', 'pid', 'since'] as const;

export function formatToken(token: LockToken): string {
  return FIELDS.map((f) => `${f}=${String(token[f]).replace(/\n/g, ' ')}`).join('\n');
}

export function parseToken(text: string): LockToken | undefined {
  const map = new Map(
    text
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  if (!FIELDS.every((f) => map.has(f))) return undefined;
  return {
    deploymentId: map.get('deploymentId')!,
    operator: map.get('operator')!,
    jumpHost: map.get('jumpHost')!,
    pid: Number(map.get('pid')),
    since: map.get('since')!,
  };
}

/** Whether the holder is known to be gone: only provable for a process on this same jump host. */
export function isStale(
  holder: LockToken | undefined,
  here: { jumpHost: string; alive: (pid: number) => boolean },
): boolean {
  if (!holder) return true;
  return holder.jumpHost === here.jumpHost && !here.alive(holder.pid);
}

export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the lock for `token.deploymentId`. Re-taking a lock the same
 * deployment holds (a resume) refreshes its token; a lock held by another
 * deployment is taken only with `takeOver`, which the caller records.
 */
export async function acquireLock(
  transport: Transport,
  deployments: string,
  token: LockToken,
  takeOver = false,
): Promise<LockResult> {
  const dir = lockDir(deployments);
  const owner = `${dir}/owner`;
  const write = sh`printf '%s\n' ${formatToken(token)} > ${owner + '.tmp'} && mv -f -- ${owner + '.tmp'} ${owner}`;
  const script = [
    sh`mkdir -p -- ${deployments} || exit 3`,
    sh`if mkdir -- ${dir} 2>/dev/null; then ` + write + ' && echo acquired; exit 0; fi',
    sh`cat -- ${owner} 2>/dev/null`,
  ].join('\n');
  const result = await transport.exec(script, { timeoutMs: 30_000 });
  if (result.outcome.kind !== 'exited' || result.outcome.code !== 0)
    throw new Error(
      `could not take the deploy lock in ${deployments}: ${result.output.trim() || 'no answer from the target'}`,
    );
  if (result.output.trim() === 'acquired') return { kind: 'acquired' };
  const holder = parseToken(result.output.trim());
  if (holder?.deploymentId === token.deploymentId || takeOver) {
    const rewrite = await transport.exec(write, { timeoutMs: 30_000 });
    if (rewrite.outcome.kind !== 'exited' || rewrite.outcome.code !== 0)
      throw new Error('could not update the deploy lock');
    return holder && holder.deploymentId !== token.deploymentId
      ? { kind: 'acquired', tookOverFrom: holder }
      : { kind: 'acquired' };
  }
  return {
    kind: 'held',
    holder,
    stale: isStale(holder, { jumpHost: token.jumpHost, alive: processAlive }),
  };
}

/** Removes the lock if, and only if, this deployment holds it. */
export async function releaseLock(
  transport: Transport,
  deployments: string,
  deploymentId: string,
): Promise<void> {
  const dir = lockDir(deployments);
  await transport.exec(
    sh`if grep -qxF ${`deploymentId=${deploymentId}`} ${dir + '/owner'} 2>/dev/null; then rm -f -- ${dir + '/owner'} && rmdir -- ${dir}; fi`,
    { timeoutMs: 30_000 },
  );
}

export function describeHolder(holder: LockToken | undefined, stale: boolean): string {
  if (!holder) return 'an unreadable lock (no owner recorded)';
  const state = stale
    ? 'its process is gone (stale lock)'
    : `it may still be running (pid ${holder.pid} on ${holder.jumpHost})`;
  return `deployment ${holder.deploymentId} by ${holder.operator} from ${holder.jumpHost} since ${holder.since}; ${state}`;
}

/** The target is locked by another deployment; the message names the holder and what to do. */
export class LockHeld extends Error {}

export interface LockRequest {
  transport: Transport;
  store: StateStore;
  deployments: string;
  deploymentId: string;
  operator: string;
  jumpHost: string;
  takeOver: boolean;
}

const ENDED = new Set(['succeeded', 'rolled_back', 'abandoned']);

/**
 * Takes the target's deploy lock for a deployment run; returns the token of
 * a lock taken over, for `recordTakeover` once the deployment is recorded.
 * A lock whose holder this state database knows to have ended (cvd-tui died
 * between finishing and releasing) is taken without asking: that deployment
 * can no longer need it.
 */
export async function takeDeployLock(r: LockRequest): Promise<LockToken | undefined> {
  const token: LockToken = {
    deploymentId: r.deploymentId,
    operator: r.operator,
    jumpHost: r.jumpHost,
    pid: process.pid,
    since: new Date().toISOString(),
  };
  let result = await acquireLock(r.transport, r.deployments, token, r.takeOver);
  if (
    result.kind === 'held' &&
    result.holder &&
    ENDED.has(r.store.deployment(result.holder.deploymentId)?.status ?? '')
  )
    result = await acquireLock(r.transport, r.deployments, token, true);
  if (result.kind === 'held')
    throw new LockHeld(
      `the target is locked by ${describeHolder(result.holder, result.stale)}.\n` +
        (result.stale
          ? '  Take the lock over (recorded in the history) with --take-over-lock.'
          : '  Wait for that deployment to end. If you are sure its process is gone, take the lock over with --take-over-lock.'),
    );
  return result.tookOverFrom;
}

/** Records a lock takeover as an event of the deployment that took it. */
export function recordTakeover(
  store: StateStore,
  deploymentId: string,
  operator: string,
  from: LockToken | undefined,
): void {
  if (from) store.event(deploymentId, 'lock taken over', operator, describeHolder(from, false));
}
