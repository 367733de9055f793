import { Runner } from '../engine/runner.js';
import type { DeploymentRecord } from '../state/types.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import type { ParsedArgs } from './args.js';
import { InputError } from '../util/exit.js';
import { printSteps } from './headless.js';
import { takeLocks } from './locks.js';
import { recordTakeover } from '../engine/lock.js';
import { secretsFromEnv } from '../session/secrets.js';
import { openSession, type Session } from '../session/open.js';

/** Finds the deployment a command names (or picks), refusing with what exists instead. */
export function pickDeployment(
  session: Session,
  id: string | undefined,
  pick: (s: Session) => DeploymentRecord | undefined,
  what: string,
): DeploymentRecord {
  const deployment = id ? session.store.deployment(id) : pick(session);
  if (!deployment)
    throw new InputError(
      id
        ? `no deployment ${id} in ${session.store.db.name}`
        : `no ${what} deployment of ${session.name}`,
    );
  if (deployment.target !== session.name)
    throw new InputError(
      `deployment ${deployment.id} belongs to target ${deployment.target}: pass --target ${deployment.target}`,
    );
  return deployment;
}

/** A runner for one deployment whose steps are printed one line each. */
export function headlessRunner(
  session: Session,
  transport: Transport,
  deploymentId: string,
): Runner {
  const runner = new Runner({
    store: session.store,
    transport,
    target: session.target,
    targetName: session.name,
    deploymentId,
    operator: session.operator,
    secrets: secretsFromEnv(),
  });
  printSteps(runner);
  return runner;
}

/** Opens the session, the transport and a headless runner for one deployment, and closes them after `work`. */
export async function withHeadlessRunner(
  args: ParsedArgs,
  pick: (s: Session) => DeploymentRecord | undefined,
  what: string,
  work: (
    runner: Runner,
    session: Session,
    deployment: DeploymentRecord,
    transport: Transport,
  ) => Promise<number>,
): Promise<number> {
  const session = openSession(args.options);
  let transport: Transport | undefined;
  try {
    const deployment = pickDeployment(session, args.id, pick, what);
    transport = await openTransport(session.target);
    recordTakeover(
      session.store,
      deployment.id,
      session.operator,
      await takeLocks(session, transport, deployment.id, args.options.takeOverLock),
    );
    return await work(
      headlessRunner(session, transport, deployment.id),
      session,
      deployment,
      transport,
    );
  } finally {
    await transport?.close();
    session.store.close();
  }
}
