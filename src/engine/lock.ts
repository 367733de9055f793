import { randomBytes } from 'node:crypto';
import type { TargetConfig } from '../config/types.js';
import { interruptible } from './interrupt.js';
import { asApp } from '../steps/privilege.js';
import { sh } from '../shell/quote.js';
import type { StateStore } from '../state/store.js';
import type { Transport } from '../transport/types.js';
import { processAlive } from '../util/process.js';
import { printable } from '../util/text.js';

/**
 * The deploy lock on the target: a directory in the deployments dir holding
 * an owner record. It is held by a deployment from its start until it ends
 * (succeeded, rolled back, abandoned), across pauses and resumes; only its
 * owner releases it. Its commands run as the app user, who owns the
 * deployments dir on a hardened host (privilege.ts).
 */
export interface LockToken {
  deploymentId: string;
  /**
   * This cvd-tui process: two runners of one deployment (a copied state
   * database) carry the same deployment id, and only this tells them apart.
   * Absent in an owner written by an older cvd-tui.
   */
  run?: string;
  operator: string;
  jumpHost: string;
  pid: number;
  since: string;
}

/** The run token of this process (LockToken.run). */
export const THIS_RUN = randomBytes(8).toString('hex');

export type LockResult =
  | { kind: 'acquired'; tookOverFrom?: LockToken }
  | { kind: 'held'; holder: LockToken | undefined; stale: boolean };

export const lockDir = (deployments: string) => `${deployments}/.lock`;

const FIELDS = ['deploymentId', 'run', 'operator', 'jumpHost', 'pid', 'since'] as const;
const REQUIRED = FIELDS.filter((f) => f !== 'run');

export function formatToken(token: LockToken): string {
  return FIELDS.filter((f) => token[f] !== undefined)
    .map((f) => `${f}=${String(token[f]).replace(/\n/g, ' ')}`)
    .join('\n');
}

export function parseToken(text: string): LockToken | undefined {
  const map = new Map(
    text
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  if (!REQUIRED.every((f) => map.has(f))) return undefined;
  return {
    deploymentId: map.get('deploymentId')!,
    ...(map.has('run') ? { run: map.get('run')! } : {}),
    operator: map.get('operator')!,
    jumpHost: map.get('jumpHost')!,
    pid: Number(map.get('pid')),
    since: map.get('since')!,
  };
}

/**
 * Whether the holder is known to be gone: only provable for a process on this
 * same jump host. A lock with no owner record is not stale: it may be one an
 * older cvd-tui is creating (mkdir, then the owner), so it is reported held.
 */
export function isStale(
  holder: LockToken | undefined,
  here: { jumpHost: string; alive: (pid: number) => boolean },
): boolean {
  if (!holder) return false;
  return holder.jumpHost === here.jumpHost && !here.alive(holder.pid);
}

/**
 * One remote command that takes the lock, or reports its holder. A new lock
 * appears whole: the owner is written into a private directory that is then
 * renamed into place (rename is atomic and fails on a non-empty directory),
 * so no one ever sees a lock without its owner (a lock made with mkdir and
 * then filled answered a racing deploy with "no answer from the target").
 * With `replacing`, a lock whose owner is still exactly that text gets the
 * new owner (re-taking, or a takeover): a lock that changed hands meanwhile
 * is reported instead.
 */
function acquireScript(deployments: string, owner: string, replacing?: string): string {
  const dir = lockDir(deployments);
  return [
    sh`mkdir -p -- ${deployments} || exit 3`,
    sh`t=$(mktemp -d ${deployments + '/.lock-new.XXXXXX'}) || exit 3`,
    sh`printf '%s\n' ${owner} > "$t/owner" || { rm -rf -- "$t"; exit 3; }`,
    // rename replaces an empty directory: an older cvd-tui's mkdir, its owner not yet written.
    sh`if [ ! -e ${dir} ] && mv -T -- "$t" ${dir} 2>/dev/null; then echo acquired; exit 0; fi`,
    'rm -rf -- "$t"',
    sh`cur=$(cat -- ${dir + '/owner'} 2>/dev/null)`,
    replacing === undefined
      ? ':'
      : sh`if [ "$cur" = ${replacing} ] && printf '%s\n' ${owner} > ${dir + '/owner.new'} && mv -f -- ${dir + '/owner.new'} ${dir + '/owner'}; then echo acquired; exit 0; fi`,
    'echo held',
    'printf \'%s\\n\' "$cur"',
  ].join('\n');
}

type Attempt = { kind: 'acquired' } | { kind: 'held'; owner: string };

async function tryLock(
  transport: Transport,
  target: TargetConfig,
  owner: string,
  replacing?: string,
): Promise<Attempt> {
  const deployments = target.paths.deployments;
  // Interruptible: a signal ends the command on the target before cvd-tui exits (interrupt.ts),
  // where it once went on to take the lock after cvd-tui was gone (SIGINT in the first second).
  const result = await interruptible((signal) =>
    transport.exec(asApp(target, acquireScript(deployments, owner, replacing)), {
      timeoutMs: 30_000,
      signal,
    }),
  );
  const [first, ...rest] = result.output.split('\n');
  if (result.outcome.kind === 'exited' && result.outcome.code === 0) {
    if (first === 'acquired') return { kind: 'acquired' };
    if (first === 'held') return { kind: 'held', owner: rest.join('\n').trim() };
  }
  const reason =
    result.outcome.kind === 'exited'
      ? printable(result.output.trim()) || `exit ${result.outcome.code}`
      : result.outcome.kind === 'lost'
        ? `connection lost: ${result.outcome.reason}`
        : 'no answer from the target';
  throw new Error(
    `could not take the deploy lock in ${deployments} (${reason}): check that ${target.appUser} can write there (cvd-tui doctor)`,
  );
}

/**
 * Takes the lock for `token`'s deployment and run. A lock this same run
 * holds is refreshed; one held by an earlier run of the same deployment
 * whose process is provably gone (a resume after a crash) is taken over
 * silently; any other holder, a live runner of the same deployment included,
 * is taken over only with `takeOver`, which the caller records.
 */
export async function acquireLock(
  transport: Transport,
  target: TargetConfig,
  token: LockToken,
  takeOver = false,
  alive: (pid: number) => boolean = processAlive,
): Promise<LockResult> {
  const owner = formatToken(token);
  const first = await tryLock(transport, target, owner);
  if (first.kind === 'acquired') return { kind: 'acquired' };
  const holder = parseToken(first.owner);
  const stale = isStale(holder, { jumpHost: token.jumpHost, alive });
  const sameRun = holder?.deploymentId === token.deploymentId && holder.run === token.run;
  // An owner without a run token was written by an older cvd-tui: it names the deployment only.
  const ourStale =
    holder?.deploymentId === token.deploymentId && (stale || holder.run === undefined);
  if (!(sameRun || ourStale || takeOver)) return { kind: 'held', holder, stale };
  const second = await tryLock(transport, target, owner, first.owner);
  if (second.kind === 'held') {
    const now = parseToken(second.owner);
    return { kind: 'held', holder: now, stale: isStale(now, { jumpHost: token.jumpHost, alive }) };
  }
  return sameRun || ourStale ? { kind: 'acquired' } : { kind: 'acquired', tookOverFrom: holder };
}

/** Removes the lock if, and only if, this deployment holds it; false when the target did not answer. */
export async function releaseLock(
  transport: Transport,
  target: TargetConfig,
  deploymentId: string,
): Promise<boolean> {
  const dir = lockDir(target.paths.deployments);
  const result = await transport.exec(
    asApp(
      target,
      sh`if grep -qxF ${`deploymentId=${deploymentId}`} ${dir + '/owner'} 2>/dev/null; then rm -f -- ${dir + '/owner'} && rmdir -- ${dir}; fi`,
    ),
    { timeoutMs: 30_000 },
  );
  return result.outcome.kind === 'exited' && result.outcome.code === 0;
}

export function describeHolder(holder: LockToken | undefined, stale: boolean): string {
  if (!holder) return 'a lock with no owner recorded (being created, or left by an older cvd-tui)';
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
  target: TargetConfig;
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
    run: THIS_RUN,
    operator: r.operator,
    jumpHost: r.jumpHost,
    pid: process.pid,
    since: new Date().toISOString(),
  };
  let result = await acquireLock(r.transport, r.target, token, r.takeOver);
  if (
    result.kind === 'held' &&
    result.holder &&
    ENDED.has(r.store.deployment(result.holder.deploymentId)?.status ?? '')
  )
    result = await acquireLock(r.transport, r.target, token, true);
  if (result.kind === 'held')
    throw new LockHeld(
      `the target is locked by ${describeHolder(result.holder, result.stale)}.\n` +
        (result.holder?.deploymentId === r.deploymentId && !result.stale
          ? '  Another cvd-tui is running this same deployment (from a copy of the state database?).\n'
          : '') +
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
