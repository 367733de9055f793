/**
 * The absolute paths of the commands cvd-tui runs as root. sudoers names a
 * command by its absolute path, but `rootArgv` names `systemctl` and
 * `install` as the steps run them (sudo resolves them itself): the target
 * says where they are.
 */
import type { TargetConfig } from '../config/types.js';
import type { Facts } from '../steps/types.js';
import { sh } from '../shell/quote.js';
import { ROOT_ACTIONS, rootArgv } from '../steps/privilege.js';

/** Where an absolute command path came from, said in the fragment's comments. */
export type PathSource = 'target' | 'config';

export interface ResolvedCommand {
  /** As rootArgv names it. */
  name: string;
  /** Absolute; undefined when neither the target nor the config knows it. */
  path?: string;
  source?: PathSource;
}

/** Every distinct program of the root actions, in ROOT_ACTIONS order. */
export function rootPrograms(target: TargetConfig): string[] {
  return [...new Set(ROOT_ACTIONS.map((action) => rootArgv(target, action)[0]!))];
}

const factKey = (i: number) => `rootCommand${i}`;

/**
 * Shell lines printing each program's absolute path as a fact. sudo looks
 * programs up in its secure_path, which holds the sbin directories a login
 * shell's PATH often leaves out, so those are searched too (last).
 */
export function resolutionScript(target: TargetConfig): string[] {
  return rootPrograms(target).map(
    (name, i) =>
      sh`fact ${factKey(i)} "$(PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v -- ${name} 2>/dev/null)"`,
  );
}

/**
 * The target's answer, else a config value that is already absolute: a
 * program the login user may not execute (a root-only 0700 script) is not
 * found by `command -v`, yet sudo runs it.
 */
export function resolvedCommands(facts: Facts, target: TargetConfig): ResolvedCommand[] {
  return rootPrograms(target).map((name, i) => {
    const found = facts[factKey(i)] ?? '';
    if (found.startsWith('/')) return { name, path: found, source: 'target' };
    if (name.startsWith('/')) return { name, path: name, source: 'config' };
    return { name };
  });
}
