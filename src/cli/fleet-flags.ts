import { shellWord } from '../util/invocation.js';
import type { ParsedArgs } from './args.js';

/**
 * The options that name this fleet again in a hint: `--inventory F --group G`
 * when it came from an inventory (its name, `inventory:G`, is no config
 * target), else `--target GROUP`.
 */
export const fleetFlags = (args: ParsedArgs, group: string): string =>
  args.options.inventory && args.options.group
    ? `--inventory ${shellWord(args.options.inventory)} --group ${args.options.group}`
    : `--target ${group}`;
