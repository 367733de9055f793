import { NothingToRollBack } from '../../engine/runner.js';
import type { ParsedArgs } from '../args.js';
import { InputError } from '../../util/exit.js';
import { finish } from '../headless.js';
import { withHeadlessRunner } from '../open-runner.js';
import { out } from '../../util/out.js';

/** `rollback --headless [id]`: the Emergency Rollback, from the facts the deployment recorded. */
export function rollbackHeadless(args: ParsedArgs): Promise<number> {
  return withHeadlessRunner(
    args,
    (s) => s.store.latest(s.name),
    'recorded',
    async (runner, session, deployment) => {
      if (deployment.status === 'rolled_back' || deployment.status === 'abandoned')
        throw new InputError(
          `deployment ${deployment.id} is ${deployment.status.replace('_', ' ')}: nothing to roll back`,
        );
      for (const report of await runner.settleInterrupted())
        if (report.status === 'unsettled') return finish(runner, report);
      if (deployment.mode !== 'rollback') {
        try {
          runner.startRollback();
        } catch (error) {
          if (error instanceof NothingToRollBack) throw new InputError(error.message);
          throw error;
        }
      }
      out.write(
        `Rolling back ${deployment.id} on ${session.name} to ${deployment.versionFrom ?? 'the previous version'}\n`,
      );
      return finish(runner, await runner.runMany('all'));
    },
  );
}
