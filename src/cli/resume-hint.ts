import type { FleetInHand } from '../fleet/in-hand.js';
import { cli, shellWord } from '../util/invocation.js';
import type { ParsedArgs } from './args.js';

/** How this command line named the fleet `group`, as a later command must name it again. */
export function fleetFlags(group: string, options: ParsedArgs['options']): string {
  const inventoryGroup = /^inventory:(.+)$/.exec(group)?.[1];
  if (inventoryGroup === undefined || options.inventory === undefined) return `--target ${group}`;
  // An inventory group's members take their settings from --target (else defaultTarget).
  return (
    `--inventory ${shellWord(options.inventory)} --group ${inventoryGroup}` +
    (options.target === undefined ? '' : ` --target ${options.target}`)
  );
}

/** The command that resumes `fleet` as a whole, named as this command line named it. */
export const fleetResume = (fleet: FleetInHand, options: ParsedArgs['options']): string =>
  cli(`resume ${fleet.id} ${fleetFlags(fleet.group, options)}`);

/** What this process leaves to resume: the fleet it worked on, else the deployment it held. */
export interface InHand {
  fleet: FleetInHand | undefined;
  deploymentId: string | undefined;
}

/**
 * The command that continues what an interrupted or crashed run left, and
 * what it continues: the fleet (never one of its hosts' deployments, which
 * would leave the rollout's order), else the one deployment; undefined when
 * the run started none.
 */
export function resumeHint(
  inHand: InHand,
  options: ParsedArgs['options'],
): { command: string; what: string } | undefined {
  const { fleet, deploymentId } = inHand;
  if (fleet)
    return { command: fleetResume(fleet, options), what: `fleet ${fleet.id} (${fleet.group})` };
  if (deploymentId)
    return { command: cli(`resume ${deploymentId}`), what: `deployment ${deploymentId}` };
  return undefined;
}
