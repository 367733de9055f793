import { beginDeployment } from '../../engine/workflows/begin.js';
import { CHECKLIST } from '../../steps/checklist.js';
import { versionProblem } from '../../steps/version.js';
import { openTransport } from '../../transport/open.js';
import type { ParsedArgs } from '../args.js';
import { InputError } from '../../util/exit.js';
import { finish } from '../headless.js';
import { headlessRunner, headlessSecrets } from '../open-runner.js';
import { openSession, type Session } from '../../session/open.js';
import { headlessContext } from '../headless-context.js';
import { checklistComplete, tickItem } from '../../engine/deployment.js';
import { lockState, refusingHeld } from '../locks.js';
import { out } from '../../util/out.js';
import { confirmChanges, sessionPreview } from '../change-preview.js';
import { cli } from '../../util/invocation.js';

/** Refuses a second deployment while one is unfinished on the same target. */
export function refuseIfUnfinished(session: Session): void {
  const open = session.store.latestUnfinished(session.name);
  if (open)
    throw new InputError(
      `deployment ${open.id} of ${open.versionTo} on ${session.name} is unfinished (${open.status}).\n` +
        `  Resume it:   ${cli(`resume ${open.id}`)}\n  Roll it back: ${cli(`rollback ${open.id}`)}`,
    );
}

/**
 * Headless has no one to tick the checklist: `--confirm-all` ticks every
 * item left unticked (a run killed before it did leaves them so), anything
 * else is refused before a step runs.
 */
export function confirmChecklist(
  session: Pick<Session, 'store' | 'operator'>,
  deploymentId: string,
  confirmAll: boolean,
): void {
  if (checklistComplete(session.store, deploymentId)) return;
  if (!confirmAll)
    throw new InputError(
      `the checklist of deployment ${deploymentId} is not complete: pass --confirm-all to confirm every item, or use the TUI`,
    );
  const ticked = new Set(
    session.store
      .checklist(deploymentId)
      .filter((c) => c.checked)
      .map((c) => c.itemId),
  );
  // One commit for the lot, not two per item: the gate opens only once every item is ticked anyway.
  session.store.atomically(() => {
    for (const item of CHECKLIST)
      if (!ticked.has(item.id))
        tickItem(session.store, deploymentId, item.id, {
          checked: true,
          by: `${session.operator} (confirmed by flag)`,
        });
  });
}

/** The version a headless deploy is given, refused (exit 2) unless usable and the checklist confirmed by flag. */
export function headlessVersion(args: ParsedArgs): string {
  const { version, confirmAll } = args.options;
  if (!version) throw new InputError('deploy --headless needs --version <git tag>');
  const problem = versionProblem(version);
  if (problem) throw new InputError(problem);
  if (!confirmAll)
    throw new InputError(
      'a headless deploy cannot tick the checklist interactively: pass --confirm-all to confirm every item',
    );
  return version;
}

/** `deploy --headless --confirm-all --version TAG`: checks, checklist, then every step. */
export async function deployHeadless(args: ParsedArgs): Promise<number> {
  const version = headlessVersion(args);
  const session = openSession(args.options);
  refuseIfUnfinished(session);
  // The password command runs while the transport opens and the (read-only) preview is read; one
  // that fails still refuses the deployment before the target is locked.
  const secretsReady = headlessSecrets(session);
  secretsReady.catch(() => undefined); // awaited below; failing before that must not be an unhandled rejection too
  const transport = await openTransport(session.target);
  try {
    lockState(session);
    confirmChanges(await sessionPreview(session, transport, version), args.options.allowDowngrade);
    const secrets = await secretsReady;
    const deployment = await refusingHeld(session, () =>
      beginDeployment(headlessContext(session, transport, args.options.takeOverLock), version),
    );
    confirmChecklist(session, deployment.id, true);
    out.write(
      `Deploying ${version} to ${session.name} (running ${deployment.versionFrom}) as ${session.operator}: deployment ${deployment.id}\n`,
    );
    const runner = headlessRunner(session, transport, deployment.id, secrets);
    return finish(runner, await runner.runMany('all'));
  } finally {
    await transport.close();
    session.store.close();
  }
}
