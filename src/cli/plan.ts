/**
 * `deploy --plan` and `rollback --plan`: every step with the script it would
 * run (values resolved, secrets masked), what it verifies and whether it is
 * safe to re-run. Nothing is changed: a deploy plan opens the target only to
 * head the plan with its change preview (one read-only command).
 */
import { journalDir } from '../engine/journal.js';
import { makeMasker } from '../engine/mask.js';
import { canRollBack, DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { splitScript } from '../steps/shell.js';
import type { StepContext, StepDef } from '../steps/types.js';
import { versionProblem } from '../steps/version.js';
import type { ParsedArgs } from './args.js';
import { EXIT, InputError } from '../util/exit.js';
import { pickDeployment } from '../engine/workflows/pick.js';
import { passwordSource, secretsFromEnv } from '../session/secrets.js';
import { openSession, type Session } from '../session/open.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/error.js';
import { sessionPreview, writeChangePreview } from './change-preview.js';
import type { TextOut } from '../util/text.js';
import { out as stdout } from '../util/out.js';

/** Stand-ins for what only exists once a deployment runs; each is named in the plan's header. */
const PENDING_ID = 'YYYYMMDD_HHMMSS_xxxx';
const PENDING_COMMIT = '<previous-commit>';

/** `--plan` on deploy or rollback. */
export async function printPlan(args: ParsedArgs, out = stdout): Promise<number> {
  if (args.command === 'deploy') {
    const version = args.options.version;
    if (!version) throw new InputError('deploy --plan needs --version <git tag>');
    const problem = versionProblem(version);
    if (problem) throw new InputError(problem);
  }
  const session = openSession(args.options, { readOnlyOk: true });
  try {
    // A plan runs nothing, testPasswordCommand included: a stand-in shows where the password goes.
    const source = passwordSource(session.target);
    const secrets =
      source === 'command' ? { testPassword: 'from testPasswordCommand' } : secretsFromEnv();
    const base = {
      target: session.target,
      targetName: session.name,
      operator: session.operator,
      startedAt: Date.now(),
      secrets,
    };
    const notes = ['Nothing is run: this is what would run, secrets shown as ***.'];
    let ctx: StepContext;
    let steps: readonly StepDef[];
    if (args.command === 'deploy') {
      ctx = {
        ...base,
        deploymentId: PENDING_ID,
        version: args.options.version!,
        facts: { previousCommit: PENDING_COMMIT },
      };
      steps = DEPLOY_STEPS;
      out.write(`Plan: deploy ${ctx.version} to ${session.name} as ${session.operator}\n\n`);
      await planPreview(out, session, ctx.version);
      notes.push(
        `The deployment id is assigned when it runs (shown as ${PENDING_ID}).`,
        `The previous commit is recorded by 1.3 when it runs (shown as ${PENDING_COMMIT}); whether the tag exists is checked then too.`,
      );
    } else {
      const d = pickDeployment(session.store, session.name, args.id, 'read');
      const facts = session.store.facts(d.id);
      ctx = { ...base, deploymentId: d.id, version: d.versionTo, facts, startedAt: d.startedAt };
      steps = ROLLBACK_STEPS;
      out.write(
        `Plan: roll back ${d.id} (${d.versionTo}, ${d.status}) on ${session.name} to ${d.versionFrom ?? 'the previous version'}\n`,
      );
      notes.push(`Built from the facts deployment ${d.id} recorded.`);
      if (!canRollBack(facts))
        notes.push(
          '1.3 has not recorded a previous commit: a rollback now is refused (nothing on the target was changed).',
        );
    }
    if (source === 'command')
      notes.push("3.3's password would come from testPasswordCommand (not run for a plan).");
    else if (!source)
      notes.push(
        "CVD_TUI_TEST_PASSWORD is not set and the target has no testPasswordCommand: 3.3's login would not be tested.",
      );
    out.write(notes.map((n) => `  ${n}\n`).join(''));
    writeSteps(
      out,
      steps,
      ctx,
      makeMasker([secrets.testPassword, session.target.notifyWebhookUrl]),
    );
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}

/** The change preview heads a deploy plan; a target that cannot be reached leaves the plan standing. */
async function planPreview(out: TextOut, session: Session, version: string): Promise<void> {
  let transport: Transport | undefined;
  try {
    transport = await openTransport(session.target);
    writeChangePreview(out, await sessionPreview(session, transport, version));
  } catch (error) {
    out.write(`Change preview: unavailable (${errorMessage(error)})\n\n`);
  } finally {
    await transport?.close();
  }
}

function writeSteps(
  out: TextOut,
  steps: readonly StepDef[],
  ctx: StepContext,
  mask: (text: string) => string,
): void {
  const scripts = steps.map((s) => splitScript(mask(s.script(ctx))));
  // Every script starts with the same shell functions: shown once, not per step.
  out.write(`\nEvery step's script starts with:\n${indent(scripts[0]?.prelude ?? [])}\n`);
  steps.forEach((step, i) => {
    const journal = step.mutates.length
      ? `journaled on the target in ${journalDir(ctx.target.paths.deployments, ctx.deploymentId, step.id, 1)}`
      : 'read-only, run directly';
    const stdin = step.stdin?.(ctx);
    out.write(
      `\n${step.id}  ${step.title}\n` +
        `    mutates: ${step.mutates.join(', ') || 'nothing'} (${journal})\n` +
        `    safe to re-run: ${step.rerunSafe ? 'yes' : 'no (asks before re-running after an interruption)'}\n` +
        `    verifies: ${step.verifies}\n` +
        (stdin === undefined ? '' : `    stdin: ${mask(stdin)}\n`) +
        (step.local ? `    then, on this machine: ${step.local.describes}\n` : '') +
        `    runs:\n${indent(scripts[i]!.body)}\n`,
    );
  });
}

const indent = (lines: string[]) => lines.map((l) => `      | ${l}`).join('\n');
