/**
 * The parts of a `--plan`, for one target and for each host of a fleet:
 * its notes, the steps' contexts with stand-ins for what only a run knows,
 * the change preview, and every step as text.
 */
import type { TargetConfig } from '../config/types.js';
import { journalDir } from '../engine/journal.js';
import { makeMasker } from '../engine/mask.js';
import type { DeploymentRecord } from '../state/types.js';
import type { StateStore } from '../state/store.js';
import { canRollBack } from '../steps/index.js';
import { splitScript } from '../steps/shell.js';
import type { StepContext, StepDef } from '../steps/types.js';
import { versionProblem } from '../steps/version.js';
import type { ParsedArgs } from './args.js';
import { InputError } from '../util/exit.js';
import { passwordSource, secretsFromEnv } from '../session/secrets.js';
import type { Session } from '../session/open.js';
import { openTransport } from '../transport/open.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/error.js';
import { sessionPreview, writeChangePreview } from './change-preview.js';
import type { TextOut } from '../util/text.js';

/** Stand-ins for what only exists once a deployment runs; each is named in the plan's header. */
const PENDING_ID = 'YYYYMMDD_HHMMSS_xxxx';
const PENDING_COMMIT = '<previous-commit>';

/** The first of every plan's notes. */
export const NOTHING_RUN = 'Nothing is run: this is what would run, secrets shown as ***.';

/** The notes a deploy plan adds about what only a run can know. */
export const DEPLOY_NOTES = [
  `The deployment id is assigned when it runs (shown as ${PENDING_ID}).`,
  `The previous commit is recorded by 1.3 when it runs (shown as ${PENDING_COMMIT}); whether the tag exists is checked then too.`,
];

/** A plan's steps are resolved for one target, as this operator. */
export type PlanBase = Pick<StepContext, 'target' | 'targetName' | 'operator' | 'secrets'>;

/** The version `deploy --plan` needs, checked as a deploy checks it. */
export function planVersion(args: ParsedArgs): string {
  const version = args.options.version;
  if (!version) throw new InputError('deploy --plan needs --version <git tag>');
  const problem = versionProblem(version);
  if (problem) throw new InputError(problem);
  return version;
}

/**
 * 3.3's password as a plan shows it, and the note that says where it would
 * come from. A plan runs nothing, testPasswordCommand included: a stand-in
 * shows where the password goes.
 */
export function planSecrets(target: TargetConfig): {
  secrets: StepContext['secrets'];
  note?: string;
} {
  const source = passwordSource(target);
  if (source === 'command')
    return {
      secrets: { testPassword: 'from testPasswordCommand' },
      note: "3.3's password would come from testPasswordCommand (not run for a plan).",
    };
  return {
    secrets: secretsFromEnv(),
    note: source
      ? undefined
      : "CVD_TUI_TEST_PASSWORD is not set and the target has no testPasswordCommand: 3.3's login would not be tested.",
  };
}

/** A deploy's steps as they would run: the id and previous commit are stand-ins. */
export const deployContext = (base: PlanBase, version: string): StepContext => ({
  ...base,
  startedAt: Date.now(),
  deploymentId: PENDING_ID,
  version,
  facts: { previousCommit: PENDING_COMMIT },
});

/** A rollback's steps for deployment `d`, from the facts it recorded, and the plan's notes about it. */
export function rollbackContext(
  base: PlanBase,
  store: StateStore,
  d: DeploymentRecord,
): { ctx: StepContext; notes: string[] } {
  const facts = store.facts(d.id);
  const notes = [`Built from the facts deployment ${d.id} recorded.`];
  if (!canRollBack(facts))
    notes.push(
      '1.3 has not recorded a previous commit: a rollback now is refused (nothing on the target was changed).',
    );
  return {
    ctx: { ...base, deploymentId: d.id, version: d.versionTo, facts, startedAt: d.startedAt },
    notes,
  };
}

export const rollbackHeadline = (d: DeploymentRecord, name: string): string =>
  `Plan: roll back ${d.id} (${d.versionTo}, ${d.status}) on ${name} to ${d.versionFrom ?? 'the previous version'}\n`;

export function writeNotes(out: TextOut, notes: readonly (string | undefined)[]): void {
  out.write(notes.flatMap((n) => (n ? [`  ${n}\n`] : [])).join(''));
}

/** The change preview heads a deploy plan; a target that cannot be reached leaves the plan standing. */
export async function planPreview(out: TextOut, session: Session, version: string): Promise<void> {
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

/** A plan's steps as text: the shell prelude every script starts with, then one block per step. */
export interface StepBlocks {
  prelude: string;
  blocks: { id: string; text: string }[];
}

/** Every step with its resolved script (secrets masked), what it changes and verifies. */
export function stepBlocks(steps: readonly StepDef[], ctx: StepContext): StepBlocks {
  const mask = makeMasker([ctx.secrets.testPassword, ctx.target.notifyWebhookUrl]);
  const scripts = steps.map((s) => splitScript(mask(s.script(ctx))));
  return {
    // Every script starts with the same shell functions: shown once, not per step.
    prelude: `\nEvery step's script starts with:\n${indent(scripts[0]?.prelude ?? [])}\n`,
    blocks: steps.map((step, i) => {
      const journal = step.mutates.length
        ? `journaled on the target in ${journalDir(ctx.target.paths.deployments, ctx.deploymentId, step.id, 1)}`
        : 'read-only, run directly';
      const stdin = step.stdin?.(ctx);
      return {
        id: step.id,
        text:
          `\n${step.id}  ${step.title}\n` +
          `    mutates: ${step.mutates.join(', ') || 'nothing'} (${journal})\n` +
          `    safe to re-run: ${step.rerunSafe ? 'yes' : 'no (asks before re-running after an interruption)'}\n` +
          `    verifies: ${step.verifies}\n` +
          (stdin === undefined ? '' : `    stdin: ${mask(stdin)}\n`) +
          (step.local ? `    then, on this machine: ${step.local.describes}\n` : '') +
          `    runs:\n${indent(scripts[i]!.body)}\n`,
      };
    }),
  };
}

export function writeSteps(out: TextOut, steps: readonly StepDef[], ctx: StepContext): void {
  const { prelude, blocks } = stepBlocks(steps, ctx);
  out.write(prelude + blocks.map((b) => b.text).join(''));
}

const indent = (lines: string[]) => lines.map((l) => `      | ${l}`).join('\n');
