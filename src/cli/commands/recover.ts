import { NothingToRecover, recoverDeployment, type Recovered } from '../../engine/recover.js';
import { stepTitle } from '../../steps/index.js';
import { openTransport } from '../../transport/open.js';
import { out } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { lockState } from '../locks.js';
import { headlessRunner, headlessSecrets } from '../open-runner.js';
import { engineContext, openSession, type Session } from '../../session/open.js';
import type { Secrets } from '../../session/secrets.js';
import { fleetOf } from '../../session/fleet.js';
import { cli } from '../../util/invocation.js';

/**
 * Rebuilds the unfinished deployment of the session's target from its
 * journal (the runner prints one line per attempt as it settles it, after
 * `prefix`); throws NothingToRecover when there is none.
 */
export async function recoverTarget(
  session: Session,
  secrets: Secrets,
  prefix = '',
): Promise<Recovered> {
  const transport = await openTransport(session.target);
  try {
    return await recoverDeployment({
      ...engineContext(session, transport),
      runner: (id) => headlessRunner(session, transport, id, secrets, prefix),
    });
  } finally {
    await transport.close();
  }
}

/** What was rebuilt: attempts left running, the deployment, its facts. */
export function recoveredText(name: string, recovered: Recovered): string {
  const d = recovered.deployment;
  return (
    recovered.attempts
      .filter((a) => a.status === 'running')
      .map(
        (a) => `${a.stepId.padEnd(4)} ${stepTitle(a.stepId).padEnd(44)} running   ${a.summary}\n`,
      )
      .join('') +
    `Recovered deployment ${d.id} of ${name} from the target's journal: ` +
    `${d.versionFrom} -> ${d.versionTo}, started ${new Date(d.startedAt).toISOString()} ` +
    `by ${d.operator} on ${d.jumpHost}; now ${d.mode === 'rollback' ? 'rolling back, ' : ''}${d.status}\n` +
    (recovered.attempts.length ? '' : '  (no step had run on the target)\n') +
    `  facts: ${recovered.facts.join(', ') || 'none'}\n`
  );
}

/** What to run next on a recovered deployment (`flags`: how to name its target, if needed). */
export const nextText = (id: string, flags = ''): string =>
  `  Resume:    ${cli(`resume ${id}${flags}`)}\n  Roll back: ${cli(`rollback ${id}${flags}`)}\n`;

/** Said once under every recovery: what the journal does not keep. */
export const READ_ONLY_NOTE =
  '  Read-only steps keep no journal: they are pending and run again on resume (safe to re-run).\n';

/**
 * `recover [--target NAME]`: rebuilds the target's unfinished deployment
 * into this state database from the journal on the target (another jump
 * host, or a state database that was lost), and says what it rebuilt. A
 * group (`--target GROUP`, `--inventory F --group G`): every member's, in
 * fleet-recover.ts.
 */
export async function recover(args: ParsedArgs): Promise<number> {
  const fleet = fleetOf(args.options);
  if (fleet) return (await import('../fleet-recover.js')).recoverFleet(args, fleet);
  const session = openSession(args.options);
  try {
    const secrets = await headlessSecrets(session);
    lockState(session);
    out.write(`Reading the journal on ${session.name}…\n`);
    const recovered = await recoverTarget(session, secrets).catch((error: unknown) => {
      if (error instanceof NothingToRecover)
        throw new InputError(`${session.name}: ${error.message}`);
      throw error;
    });
    out.write(
      `${recoveredText(session.name, recovered)}${READ_ONLY_NOTE}Next:\n${nextText(recovered.deployment.id)}`,
    );
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
