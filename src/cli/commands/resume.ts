import { completeChecks } from '../../engine/begin.js';
import { UNFINISHED } from '../../state/types.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { finish } from '../headless.js';
import { withHeadlessRunner } from '../open-runner.js';
import { out } from '../../util/out.js';
import { confirmChecklist, headlessBegin } from './deploy.js';

/** `resume --headless [id]`: settles what an interruption left running, then continues. */
export function resumeHeadless(args: ParsedArgs): Promise<number> {
  return withHeadlessRunner(
    args,
    (s) => s.store.latestUnfinished(s.name),
    'unfinished',
    async (runner, session, deployment, transport) => {
      if (!UNFINISHED.includes(deployment.status))
        throw new InputError(
          `deployment ${deployment.id} is ${deployment.status}: nothing to resume`,
        );
      // A run killed before its first step may have left its checks or checklist undone.
      await completeChecks(
        headlessBegin(session, transport, args.options.takeOverLock),
        deployment,
      );
      confirmChecklist(session, deployment.id, args.options.confirmAll);
      session.store.event(deployment.id, 'resumed', session.operator, `from ${session.jumpHost}`);
      out.write(
        `Resuming ${deployment.mode} ${deployment.id} (${deployment.versionTo} on ${session.name})\n`,
      );
      // The target first: headless has no one to decide about drift, so it stops and says what differs.
      const drift = await runner.checkDrift();
      if (!drift)
        return (
          out.write('Cannot re-check the target (no answer): nothing was run\n'),
          EXIT.stepFailed
        );
      for (const line of drift) out.write(`  drift: ${line}\n`);
      if (drift.length) {
        session.store.event(deployment.id, 'drift', session.operator, drift.join('; '));
        out.write(
          `The target is not as deployment ${deployment.id} left it: nothing was run. Put it back and resume, or roll back:\n` +
            `  cvd-tui rollback ${deployment.id}\n`,
        );
        return EXIT.stepFailed;
      }
      for (const report of await runner.settleInterrupted())
        if (report.status === 'unsettled') return finish(runner, report);
      const report = await runner.runMany('all');
      return report?.status === 'blocked'
        ? (out.write(`${report.summary}\n`), EXIT.stepFailed)
        : finish(runner, report);
    },
  );
}
