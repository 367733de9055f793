import os from 'node:os';
import path from 'node:path';
import { readConfig, writeConfig } from '../../config/load.js';
import { withDefaults } from '../../config/defaults.js';
import type { ConfigFile, TargetConfig } from '../../config/types.js';
import { ConfigError } from '../../config/validate.js';
import { inquirerAsker } from '../../init/prompts.js';
import { runWizard } from '../../init/wizard.js';
import { fetchSudoersFragment } from '../../sudoers/fetch.js';
import { loadSshConfig } from '../../transport/ssh-config-file.js';
import type { SshConfig } from '../../transport/ssh-config.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { doctorTarget } from './doctor.js';
import { err, out } from '../../util/out.js';
import { errorMessage, isErrorNamed } from '../../util/error.js';
import { cli } from '../../util/invocation.js';
import { plainLockAdvice } from '../../doctor/system.js';

/** The config as it is, or undefined when there is none yet; one that does not validate is not overwritten. */
function existingConfig(file: string | undefined): ConfigFile | undefined {
  try {
    return readConfig(file).config;
  } catch (error) {
    if (
      error instanceof ConfigError &&
      error.key === '(file)' &&
      /does not exist/.test(error.problem)
    )
      return undefined;
    if (error instanceof ConfigError)
      throw new InputError(
        `${error.message}\n  init does not overwrite a config it cannot read: fix or move it first`,
      );
    throw error;
  }
}

function sshConfig(): SshConfig {
  try {
    return loadSshConfig(path.join(os.homedir(), '.ssh', 'config'), os.homedir());
  } catch {
    return []; // an ssh config that cannot be read: nothing to offer, the host is typed in
  }
}

/** `init`: the wizard (before Ink would mount), then the config written 0600, then doctor on the new target. */
export async function init(args: ParsedArgs): Promise<number> {
  if (!process.stdin.isTTY || args.options.headless)
    throw new InputError(
      'init asks questions: run it in a terminal, or write the config by hand (see the README, "Config")',
    );
  const existing = existingConfig(args.options.config);
  let result;
  try {
    result = await runWizard(inquirerAsker, {
      sshConfig: sshConfig(),
      localUser: os.userInfo().username,
      existing,
    });
  } catch (error) {
    // Ctrl-C inside a prompt: nothing has been written.
    if (isErrorNamed(error, 'ExitPromptError'))
      return (err.write('init cancelled: nothing written\n'), EXIT.interrupted);
    throw error;
  }
  const file = writeConfig(args.options.config, result.config);
  out.write(`\nTarget ${result.name} written to ${file}\n\n`);
  const target = withDefaults(result.target);
  const code = await doctorTarget(result.name, target, plainLockAdvice(result.name));
  if (result.printSudoers) await printFragment(result.name, target);
  return code;
}

/**
 * Last, after doctor: its sudo rows fail until the fragment is installed,
 * and the fragment is what to do about them.
 */
async function printFragment(name: string, target: TargetConfig): Promise<void> {
  try {
    const fragment = await fetchSudoersFragment(name, target);
    out.write(`\nThe sudoers fragment target ${name} needs:\n\n${fragment}`);
  } catch (error) {
    out.write(
      `\nNo sudoers fragment: ${errorMessage(error)}\n  Once the target answers: ${cli(`sudoers --target ${name}`)}\n`,
    );
  }
}
