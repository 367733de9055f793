/** A fleet this process has recorded or opened: its id and its group's name. */
export interface FleetInHand {
  id: string;
  group: string;
}

let inHand: FleetInHand | undefined;

/**
 * The fleet this process works on, if any. Its hosts' runners hold their
 * own deployments too (engine/deployment.ts), but what an unexpected error
 * or a signal leaves to resume is the fleet: resuming one host alone would
 * take it out of the rollout's order.
 */
export const fleetInHand = (): FleetInHand | undefined => inHand;

/** Notes that this process works on fleet `id` of `group` (startFleet; every FleetRunner). */
export function holdFleet(id: string, group: string): void {
  inHand = { id, group };
}
