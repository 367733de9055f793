import { chainProblems } from './chain.js';
import { storedChain } from './chain-store.js';
import type { StateStore } from './store.js';

/**
 * Everything the state database's record of one deployment can be checked
 * for: its event chain (chain.ts), and every ended step attempt against the
 * digest its closing event recorded, so an attempt's output, command or exit
 * status edited afterwards is named too.
 */
export function recordProblems(store: StateStore, deploymentId: string): string[] {
  const chain = storedChain(store.db, deploymentId);
  const recorded = new Set(chain.map((e) => e.digest).filter(Boolean));
  const attempts = store
    .attempts(deploymentId)
    .filter((a) => a.status !== 'running')
    .filter((a) => !recorded.has(store.attemptDigest(deploymentId, a.stepId, a.attempt)))
    .map(
      (a) =>
        `step ${a.stepId} attempt ${a.attempt} (${a.status}) differs from what was recorded when it ended: its output, command or result was edited`,
    );
  return [...chainProblems(deploymentId, chain, store.chainHead(deploymentId)), ...attempts];
}

/** The hash the state database's chain has at event `seq` of a deployment, if it has one. */
export function hashAt(store: StateStore, deploymentId: string, seq: number): string | undefined {
  return storedChain(store.db, deploymentId).find((e) => e.seq === seq)?.hash ?? undefined;
}
