/** Recovering one target's deployment and saying what was rebuilt: `recover` on a target and on a fleet. */
import { recoverDeployment, type Recovered } from '../engine/recover.js';
import { engineContext, type Session } from '../session/open.js';
import type { Secrets } from '../session/secrets.js';
import { stepTitle } from '../steps/index.js';
import { openTransport } from '../transport/open.js';
import { cli } from '../util/invocation.js';
import { headlessRunner } from './open-runner.js';

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
