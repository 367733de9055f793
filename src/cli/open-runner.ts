import { Runner } from '../engine/runner.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import { pickDeployment, type PickPurpose } from '../engine/workflows/pick.js';
import type { DeploymentRecord } from '../state/types.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import type { ParsedArgs } from './args.js';
import { headlessContext } from './headless-context.js';
import { prefixed, printSteps } from './headless.js';
import { err as stderr, out as stdout } from '../util/out.js';
import { lockState, refusingHeld } from './locks.js';
import { resolveSecrets, type Secrets } from '../session/secrets.js';
import { openSession, type Session } from '../session/open.js';

/** The secrets of a headless run: the environment's or testPasswordCommand's, never asked. */
export const headlessSecrets = (session: Session): Promise<Secrets> =>
  resolveSecrets(session.target, { interactive: false });

/** A runner for one deployment whose steps are printed one line each (after `prefix`: a fleet's host). */
export function headlessRunner(
  session: Session,
  transport: Transport,
  deploymentId: string,
  secrets: Secrets,
  prefix = '',
): Runner {
  const runner = new Runner({
    store: session.store,
    transport,
    target: session.target,
    targetName: session.name,
    deploymentId,
    operator: session.operator,
    secrets,
  });
  printSteps(runner, prefixed(stdout, prefix), prefixed(stderr, prefix));
  return runner;
}

/**
 * Picks the deployment the command names (for `purpose`), opens the
 * transport and a headless runner for it, holds this machine's state
 * database, and runs `work` (a workflow: a held target lock is exit 2 with
 * the holder named); then closes them.
 */
export async function withHeadlessRunner(
  args: ParsedArgs,
  purpose: PickPurpose,
  work: (
    runner: Runner,
    ctx: WorkflowContext,
    session: Session,
    deployment: DeploymentRecord,
  ) => Promise<number>,
): Promise<number> {
  const session = openSession(args.options);
  let transport: Transport | undefined;
  try {
    const deployment = pickDeployment(session.store, session.name, args.id, purpose);
    transport = await openTransport(session.target);
    lockState(session);
    const ctx = headlessContext(session, transport, args.options.takeOverLock);
    const runner = headlessRunner(
      session,
      transport,
      deployment.id,
      await headlessSecrets(session),
    );
    return await refusingHeld(session, () => work(runner, ctx, session, deployment));
  } finally {
    await transport?.close();
    session.store.close();
  }
}
