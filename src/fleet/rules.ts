import type { StepReport } from '../engine/runner.js';

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
