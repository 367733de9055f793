import { NothingToRollBack } from '../../engine/runner.js';
import { rollBack } from '../../engine/workflows/rollback.js';
import type { ParsedArgs } from '../args.js';
import { InputError } from '../../util/exit.js';
import { finish } from '../headless.js';
import { withHeadlessRunner } from '../open-runner.js';
import { out } from '../../util/out.js';

/** `rollback --headless [id]`: the Emergency Rollback, from the facts the deployment recorded. */
export function rollbackHeadless(args: ParsedArgs): Promise<number> {
  return withHeadlessRunner(args, 'rollback', async (runner, ctx, session, deployment) => {
    try {
      const report = await rollBack(ctx, runner, () =>
        out.write(
          `Rolling back ${deployment.id} on ${session.name} to ${deployment.versionFrom ?? 'the previous version'}\n`,
        ),
      );
      return finish(runner, report);
    } catch (error) {
      if (error instanceof NothingToRollBack) throw new InputError(error.message);
      throw error;
    }
  });
}
