import type { Preflight } from '../engine/preflight.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import { InputError } from '../util/exit.js';
import { errorMessage } from '../util/error.js';

/** One host of a fleet as the workflows take it: its own target, connection and checks. */
export interface FleetHostHandle {
  name: string;
  ctx: WorkflowContext;
}

/**
 * The pre-deployment checks of `version` on every host, read-only and side
 * by side, before anything runs anywhere: the fleet's checklist is checked on
 * every host, and a host whose checks refuse the version (not a tag of its
 * repository; headless: any failed check) refuses the whole fleet (exit 2),
 * naming every host that refused.
 */
export async function checkEveryHost(
  hosts: readonly FleetHostHandle[],
  version: string,
): Promise<Map<string, Preflight>> {
  const results = await Promise.allSettled(hosts.map((h) => h.ctx.check(version)));
  const refused = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ host: hosts[i]!.name, error: r.reason as unknown }] : [],
  );
  if (refused.length) {
    const message =
      `the fleet cannot deploy ${version}: nothing was run on any host\n` +
      refused.map((r) => `  ${r.host}: ${errorMessage(r.error)}`).join('\n');
    // Exit 2 when every refusal is the operator's to fix; a lost connection is not bad input.
    throw refused.every((r) => r.error instanceof InputError)
      ? new InputError(message)
      : new Error(message);
  }
  return new Map(
    results.map((r, i) => [hosts[i]!.name, (r as PromiseFulfilledResult<Preflight>).value]),
  );
}

/** The hosts with the checks just taken in place of taking them again when each deployment begins. */
export const withChecks = (
  hosts: readonly FleetHostHandle[],
  checks: Map<string, Preflight>,
): FleetHostHandle[] =>
  hosts.map((h) => ({
    name: h.name,
    ctx: { ...h.ctx, check: async (version) => checks.get(h.name) ?? h.ctx.check(version) },
  }));
