/**
 * `deploy --plan` and `rollback --plan`: every step with the script it would
 * run (values resolved, secrets masked), what it verifies and whether it is
 * safe to re-run. Nothing is changed: a deploy plan opens the target only to
 * head the plan with its change preview (one read-only command). A fleet's
 * plan (`--target GROUP`) is src/cli/fleet-plan.ts, built of the parts here.
 */
import { pickDeployment } from '../engine/workflows/pick.js';
import { openSession } from '../session/open.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { EXIT } from '../util/exit.js';
import { out as stdout } from '../util/out.js';
import type { ParsedArgs } from './args.js';
import { fleetChosen } from './fleet-session.js';
import {
  DEPLOY_NOTES,
  deployContext,
  NOTHING_RUN,
  planPreview,
  planSecrets,
  planVersion,
  rollbackContext,
  rollbackHeadline,
  writeNotes,
  writeSteps,
} from './plan-steps.js';

/** `--plan` on deploy or rollback. */
export async function printPlan(args: ParsedArgs, out = stdout): Promise<number> {
  const version = args.command === 'deploy' ? planVersion(args) : undefined;
  const fleet = await fleetChosen(args);
  if (fleet) return (await import('./fleet-plan.js')).printFleetPlan(args, fleet, out);
  const session = openSession(args.options, { readOnlyOk: true });
  try {
    const { secrets, note } = planSecrets(session.target);
    const base = {
      target: session.target,
      targetName: session.name,
      operator: session.operator,
      secrets,
    };
    if (version) {
      out.write(`Plan: deploy ${version} to ${session.name} as ${session.operator}\n\n`);
      await planPreview(out, session, version);
      writeNotes(out, [NOTHING_RUN, ...DEPLOY_NOTES, note]);
      writeSteps(out, DEPLOY_STEPS, deployContext(base, version));
    } else {
      const d = pickDeployment(session.store, session.name, args.id, 'read');
      const { ctx, notes } = rollbackContext(base, session.store, d);
      out.write(rollbackHeadline(d, session.name));
      writeNotes(out, [NOTHING_RUN, ...notes, note]);
      writeSteps(out, ROLLBACK_STEPS, ctx);
    }
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
