import { resolve } from 'node:path';
import { buildDemoTarget } from '../../demo/build.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { isInteractive, NOT_A_TERMINAL } from '../../screens/app/terminal.js';
import { deployHeadless } from './deploy.js';
import { err, out } from '../../util/out.js';

/** The release the demo deploys when the operator gives none: it has a migration and passes every check. */
export const DEMO_VERSION = 'v1.0.1';

/**
 * `demo --dir DIR [--no-tui]`: builds the sandbox target, then opens the TUI
 * on it with v1.0.1 preselected (`--headless`: deploys it without the TUI).
 */
export async function demo(args: ParsedArgs): Promise<number> {
  if (!args.options.dir)
    throw new InputError('demo needs --dir <dir>: where to build the sandbox target');
  // Refuse before building: a non-terminal run of the TUI would build a target for nothing.
  if (!args.options.noTui && !args.options.headless && !isInteractive()) {
    err.write(NOT_A_TERMINAL);
    return EXIT.badInput;
  }
  const built = await buildDemoTarget(resolve(args.options.dir));
  out.write(`Demo target ready: ${built.dir}\nConfig: ${built.configPath}\n`);
  if (args.options.noTui) return EXIT.ok;
  const state = args.options.state ?? `${built.dir}/state.db`;
  out.write(`State: ${state}\n`);
  if (!args.options.headless)
    return (await import('../../screens/app/run.js')).runTui(
      {
        ...args,
        command: undefined,
        options: { ...args.options, config: built.configPath, state },
      },
      { suggestedVersion: args.options.version ?? DEMO_VERSION },
    );
  return deployHeadless({
    ...args,
    command: 'deploy',
    options: {
      ...args.options,
      config: built.configPath,
      state,
      version: args.options.version ?? DEMO_VERSION,
      headless: true,
      confirmAll: true,
    },
  });
}
