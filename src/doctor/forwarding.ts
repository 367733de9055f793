import type { TargetConfig } from '../config/types.js';
import { ForwardingRefused, type Transport } from '../transport/types.js';
import { pass, type CheckResult } from './types.js';
import { errorMessage } from '../util/error.js';

const NAME = 'TCP forwarding';

/**
 * Whether the server forwards TCP to the app's address (sshd
 * `AllowTcpForwarding`): the Health pane tunnels through it to an app on the
 * server's loopback. Refused is no failure, since the pane then measures on
 * the server with curl, but the operator learns where its numbers come from.
 * Undefined for a transport that forwards nothing (local).
 */
export async function forwardingCheck(
  transport: Transport,
  target: TargetConfig,
): Promise<CheckResult | undefined> {
  if (!transport.forward) return undefined;
  const url = new URL(target.appUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  try {
    (await transport.forward(url.hostname, port)).destroy();
    return {
      name: NAME,
      ...pass(`allowed: the Health pane reaches ${url.host} through the SSH connection`),
    };
  } catch (error) {
    if (error instanceof ForwardingRefused)
      return {
        name: NAME,
        ...pass('not allowed by the server: the Health pane measures on the server with curl'),
        hint: "to measure from the jump host instead, allow local forwarding for the operator's account in sshd_config (AllowTcpForwarding local, e.g. in a Match User block)",
      };
    // The channel was not refused by policy: nothing answered there, which the app URL row judges.
    return {
      name: NAME,
      ...pass(
        `not refused by the server; ${url.host} did not answer through it (${errorMessage(error)})`,
      ),
    };
  }
}
