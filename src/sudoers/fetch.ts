import type { TargetConfig } from '../config/types.js';
import { execWithFacts } from '../engine/execute.js';
import { targetShell } from '../steps/shell.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import { resolutionScript, resolvedCommands } from './commands.js';
import { sudoersFragment } from './fragment.js';

/** `command -v` and `id -un` are instant; longer means the target is in trouble. */
const TIMEOUT_MS = 30_000;

/**
 * Asks the target who the operator is and where the root commands live, and
 * builds the fragment. The operator is the account the transport logs in
 * as (`id -un`): the ssh username, or the local user for a local target.
 */
export async function fetchSudoersFragment(
  targetName: string,
  target: TargetConfig,
  open: (target: TargetConfig) => Promise<Transport> = openTransport,
): Promise<string> {
  const transport = await open(target);
  let result;
  try {
    const script = targetShell(target).script(
      ...resolutionScript(target),
      'fact login "$(id -un)"',
    );
    result = await execWithFacts(transport, script, { timeoutMs: TIMEOUT_MS });
  } finally {
    await transport.close();
  }
  if (result.outcome.kind !== 'exited')
    throw new Error(
      `could not ask ${transport.description} where its commands are (${result.outcome.kind}): run again`,
    );
  const { facts } = result;
  if (!facts.login)
    throw new Error(`${transport.description} did not say who is logged in (id -un)`);
  return sudoersFragment(targetName, target, facts.login, resolvedCommands(facts, target));
}
