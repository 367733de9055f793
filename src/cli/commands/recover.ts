import { NothingToRecover, recoverDeployment } from '../../engine/recover.js';
import { stepTitle } from '../../steps/index.js';
import { openTransport } from '../../transport/open.js';
import { out } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { lockState } from '../locks.js';
import { headlessRunner, headlessSecrets } from '../open-runner.js';
import { engineContext, openSession } from '../../session/open.js';
import { cli } from '../../util/invocation.js';

/**
 * `recover [--target NAME]`: rebuilds the target's unfinished deployment
 * into this state database from the journal on the target (another jump
 * host, or a state database that was lost), and says what it rebuilt.
 */
export async function recover(args: ParsedArgs): Promise<number> {
  const session = openSession(args.options);
  const secrets = await headlessSecrets(session);
  const transport = await openTransport(session.target);
  try {
    lockState(session);
    out.write(`Reading the journal on ${session.name}…\n`);
    // The runner prints one line per attempt as it settles it from the journal.
    const recovered = await recoverDeployment({
      ...engineContext(session, transport),
      runner: (id) => headlessRunner(session, transport, id, secrets),
    }).catch((error: unknown) => {
      if (error instanceof NothingToRecover)
        throw new InputError(`${session.name}: ${error.message}`);
      throw error;
    });
    const d = recovered.deployment;
    for (const a of recovered.attempts.filter((a) => a.status === 'running'))
      out.write(`${a.stepId.padEnd(4)} ${stepTitle(a.stepId).padEnd(44)} running   ${a.summary}\n`);
    out.write(
      `Recovered deployment ${d.id} of ${session.name} from the target's journal: ` +
        `${d.versionFrom} -> ${d.versionTo}, started ${new Date(d.startedAt).toISOString()} ` +
        `by ${d.operator} on ${d.jumpHost}; now ${d.mode === 'rollback' ? 'rolling back, ' : ''}${d.status}\n`,
    );
    if (!recovered.attempts.length) out.write('  (no step had run on the target)\n');
    out.write(
      `  facts: ${recovered.facts.join(', ') || 'none'}\n` +
        '  Read-only steps keep no journal: they are pending and run again on resume (safe to re-run).\n' +
        `Next:\n  Resume:    ${cli(`resume ${d.id}`)}\n  Roll back: ${cli(`rollback ${d.id}`)}\n`,
    );
    return EXIT.ok;
  } finally {
    await transport.close();
    session.store.close();
  }
}
