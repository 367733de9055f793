import type { StepReport } from '../engine/runner.js';
import type { ResumeOutcome } from '../engine/workflows/resume.js';
import type { FleetView } from './view.js';

/** What a host's step came to, as the halting rule weighs it. */
export interface HostFailure {
  /** The host is a canary (batch 0). */
  canary: boolean;
  /** Its step's outcome (undefined: the runner paused without one). */
  status: StepReport['status'] | undefined;
  /** Hosts of the fleet that have failed, this one included. */
  failedHosts: number;
  /** The group's `maxFailures`. */
  maxFailures: number;
}

/**
 * Whether a host's step that did not succeed halts the rollout. A canary's
 * failure always does (it says the version is bad), and so does a step that
 * is stuck rather than failed (blocked, unsettled: it needs the operator). A
 * batch host that failed is tolerated while the failed hosts, it included,
 * are at most `maxFailures`; the one beyond halts.
 */
export const haltsRollout = (f: HostFailure): boolean =>
  f.canary || f.status !== 'failed' || f.failedHosts > f.maxFailures;

/**
 * Why a host's resume stops the fleet before anything runs on, or undefined
 * when it settled: the target did not answer, it is not as its deployment
 * left it, or an interrupted step's outcome cannot be known.
 */
export const resumeStop = (outcome: ResumeOutcome): string | undefined =>
  outcome.kind === 'unreachable'
    ? 'the target did not answer the drift check: nothing was settled or run'
    : outcome.kind === 'drift'
      ? `the target is not as its deployment left it: ${outcome.drift.join('; ')}`
      : outcome.reports.find((r) => r.status === 'unsettled')?.summary;

/**
 * Why the operator may not skip `host`, or undefined when they may: skipping
 * leaves a host out as it stands, so it is for a host the rollout has not
 * changed, or one rolled back. A canary is never skipped: it is there to
 * prove the version on one host before any batch gets it, so a skipped
 * canary would send an unproven (or, once it failed, a failing) version to
 * every other host; the operator retries it once the host is fixed, or rolls
 * back. A host the rollout changed (`changed`: those a fleet rollback would
 * restore) is rolled back first, so none is left half-deployed, its service
 * perhaps stopped, with its lock released. A host deployed or skipped
 * already has nothing to skip. The reason is recorded (the execution log's
 * resolution), so it may not be blank.
 */
export function skipRefusal(
  view: FleetView,
  host: string,
  reason: string,
  changed: readonly string[],
): string | undefined {
  if (!reason.trim()) return `a host is skipped only with a reason: say why ${host} is left out`;
  const h = view.hosts.find((x) => x.host === host);
  if (!h)
    return `fleet ${view.id} has no host ${host}: its hosts are ${view.hosts.map((x) => x.host).join(', ')}`;
  if (h.batch === 'canary')
    return (
      `${host} is a canary of fleet ${view.id} and is never skipped: it proves ${view.versionTo} before any batch gets it. ` +
      `Retry it once the host is fixed, or roll the fleet back`
    );
  if (h.status === 'succeeded' || h.status === 'skipped')
    return `${host} is ${h.status === 'succeeded' ? 'deployed' : 'skipped'} already: there is nothing of it to skip`;
  if (changed.includes(host))
    return `${host} has been changed by ${view.versionTo}'s rollout: roll it back first (its deployment ${h.deploymentId}), then skip it`;
  return undefined;
}
