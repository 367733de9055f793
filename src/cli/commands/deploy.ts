import { preflight, type Preflight } from '../../engine/preflight.js';
import { recordTakeover, releaseLock } from '../../engine/lock.js';
import type { Transport } from '../../transport/types.js';
import { CHECKLIST } from '../../steps/checklist.js';
import { versionProblem } from '../../steps/version.js';
import { openTransport } from '../../transport/open.js';
import type { ParsedArgs } from '../args.js';
import { InputError } from '../exit.js';
import { finish } from '../headless.js';
import { headlessRunner } from '../open-runner.js';
import { openSession, type Session } from '../session.js';
import { createDeployment, newDeploymentId, tickItem } from '../../engine/deployment.js';
import { takeLocks } from '../locks.js';
import { out } from '../../util/out.js';

/** Refuses a second deployment while one is unfinished on the same target. */
export function refuseIfUnfinished(session: Session): void {
  const open = session.store.latestUnfinished(session.name);
  if (open)
    throw new InputError(
      `deployment ${open.id} of ${open.versionTo} on ${session.name} is unfinished (${open.status}).\n` +
        `  Resume it:   cvd-tui resume ${open.id}\n  Roll it back: cvd-tui rollback ${open.id}`,
    );
}

/** Preflight that refuses (exit 2) an unknown tag or any failed check: headless has no one to give a reason. */
async function checkedPreflight(
  session: Session,
  transport: Transport,
  version: string,
): Promise<Preflight> {
  const checks = await preflight(transport, session.target, version);
  if (!checks.evidence.get('tech.3')?.ok)
    throw new InputError(
      `version ${version} is not a tag of the app repository on ${session.name} or its origin`,
    );
  const failed = [...checks.evidence].filter(([, e]) => !e.ok);
  if (failed.length)
    throw new InputError(
      `pre-deployment checks failed; fix them or deploy from the TUI, which records a reason:\n` +
        failed
          .map(([id, e]) => `  ${id} ${CHECKLIST.find((i) => i.id === id)?.label}: ${e.text}`)
          .join('\n'),
    );
  return checks;
}

/** `deploy --headless --confirm-all --version TAG`: checks, checklist, then every step. */
export async function deployHeadless(args: ParsedArgs): Promise<number> {
  const { version, confirmAll } = args.options;
  if (!version) throw new InputError('deploy --headless needs --version <git tag>');
  const problem = versionProblem(version);
  if (problem) throw new InputError(problem);
  if (!confirmAll)
    throw new InputError(
      'a headless deploy cannot tick the checklist interactively: pass --confirm-all to confirm every item',
    );
  const session = openSession(args.options);
  refuseIfUnfinished(session);
  const transport = await openTransport(session.target);
  try {
    // The lock comes first: while another deployment holds the target, its checks say nothing about ours.
    const id = newDeploymentId();
    const tookOver = await takeLocks(session, transport, id, args.options.takeOverLock);
    const checks = await checkedPreflight(session, transport, version).catch(
      async (error: unknown) => {
        await releaseLock(transport, session.target.paths.deployments, id);
        throw error;
      },
    );
    const deployment = createDeployment(session.store, {
      id,
      targetName: session.name,
      operator: session.operator,
      jumpHost: session.jumpHost,
      version,
      preflight: checks,
    });
    recordTakeover(session.store, id, session.operator, tookOver);
    for (const item of CHECKLIST)
      tickItem(session.store, deployment.id, item.id, {
        checked: true,
        by: `${session.operator} (confirmed by flag)`,
      });
    out.write(
      `Deploying ${version} to ${session.name} (running ${checks.runningVersion}) as ${session.operator}: deployment ${deployment.id}\n`,
    );
    const runner = headlessRunner(session, transport, deployment.id);
    return finish(runner, await runner.runMany('all'));
  } finally {
    await transport.close();
    session.store.close();
  }
}
