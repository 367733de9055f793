import { resolve } from 'node:path';
import { buildDemoTarget } from '../../demo/build.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../exit.js';
import { deployHeadless } from './deploy.js';

/** The release the demo deploys when the operator gives none: it has a migration and passes every check. */
export const DEMO_VERSION = 'v1.0.1';

/** `demo --dir DIR [--no-tui]`: builds the sandbox target, then deploys to it. */
export async function demo(args: ParsedArgs): Promise<number> {
  if (!args.options.dir) throw new InputError('demo needs --dir <dir>: where to build the sandbox target');
  const built = await buildDemoTarget(resolve(args.options.dir));
  process.stdout.write(`Demo target ready: ${built.dir}\nConfig: ${built.configPath}\n`);
  if (args.options.noTui) return EXIT.ok;
  const state = args.options.state ?? `${built.dir}/state.db`;
  process.stdout.write(`State: ${state}\n`);
  return deployHeadless({
    ...args,
    command: 'deploy',
    options: { ...args.options, config: built.configPath, state, version: args.options.version ?? DEMO_VERSION, headless: true, confirmAll: true },
  });
}
