import { resumeDeployment } from '../../engine/workflows/resume.js';
import type { ParsedArgs } from '../args.js';
import { EXIT } from '../../util/exit.js';
import { finish } from '../headless.js';
import { withHeadlessRunner } from '../open-runner.js';
import { out } from '../../util/out.js';
import { confirmChecklist } from './deploy.js';
import { cli } from '../../util/invocation.js';

/** `resume --headless [id]`: the resume workflow, then every step left; on drift it says what differs. */
export function resumeHeadless(args: ParsedArgs): Promise<number> {
  return withHeadlessRunner(args, 'resume', async (runner, ctx, session, deployment) => {
    out.write(
      `Resuming ${deployment.mode} ${deployment.id} (${deployment.versionTo} on ${session.name})\n`,
    );
    const resumed = await resumeDeployment(ctx, runner, {
      announce: true,
      confirmChecklist: (id) => confirmChecklist(session, id, args.options.confirmAll),
    });
    if (resumed.kind === 'unreachable')
      return (
        out.write('Cannot re-check the target (no answer): nothing was run\n'),
        EXIT.stepFailed
      );
    if (resumed.kind === 'drift') {
      for (const line of resumed.drift) out.write(`  drift: ${line}\n`);
      out.write(
        `The target is not as deployment ${deployment.id} left it: nothing was run. Put it back and resume, or roll back:\n` +
          `  ${cli(`rollback ${deployment.id}`)}\n`,
      );
      return EXIT.stepFailed;
    }
    const unsettled = resumed.reports.find((r) => r.status === 'unsettled');
    if (unsettled) return finish(runner, unsettled);
    const report = await runner.runMany('all');
    return report?.status === 'blocked'
      ? (out.write(`${report.summary}\n`), EXIT.stepFailed)
      : finish(runner, report);
  });
}
