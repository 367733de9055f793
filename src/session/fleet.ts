import { readConfig } from '../config/load.js';
import { ConfigError } from '../config/validate.js';
import { resolveConfigGroup } from '../fleet/config-group.js';
import type { ResolvedFleet } from '../fleet/group.js';
import { InputError } from '../util/exit.js';

/** The command-line options a fleet is named by. */
export interface FleetOptions {
  config?: string;
  target?: string;
  /** `--inventory FILE --group NAME`: the fleet is that inventory group; `--target` its members' template. */
  inventory?: string;
  group?: string;
}

/**
 * The fleet `--inventory`/`--group` or `--target` names (a group entry of the config), or undefined
 * when it names one target: the caller goes on as for one target. A config
 * the operator must fix is an input error (exit 2).
 */
export async function fleetOf(options: FleetOptions): Promise<ResolvedFleet | undefined> {
  try {
    const { inventory, group } = options;
    // The inventory reader and its YAML parser (~280 KB) load only for --inventory: every
    // deploy, resume and TUI start asks this question, and compiling them cost ~15 ms.
    if (inventory && group)
      return (await import('../fleet/inventory.js')).loadInventoryFleet({
        ...options,
        inventory,
        group,
      });
    const { config } = readConfig(options.config);
    const name = options.target ?? config.defaultTarget;
    return name === undefined ? undefined : resolveConfigGroup(config, name);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
}
