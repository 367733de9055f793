import { loadTarget, type LoadedTarget } from '../config/load.js';
import { ConfigError } from '../config/validate.js';
import { InputError } from '../util/exit.js';

/** The target `--config`/`--target` name; a config the operator must fix is an input error (exit 2). */
export function targetOf(options: { config?: string; target?: string }): LoadedTarget {
  try {
    return loadTarget(options.config, options.target);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
}
