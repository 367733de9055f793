import type { TargetConfig } from '../config/types.js';
import type { AttemptRecord } from '../state/types.js';

/** What a step changes on the target, so a rollback restores exactly that. */
export type Mutation = 'code' | 'database' | 'config' | 'service' | 'files';

/** Facts a step reported (`fact key value`: marker lines with its nonce, facts.ts), e.g. `previousCommit`. */
export type Facts = Readonly<Record<string, string>>;

/** Everything a step's command is built from; nothing comes from shell variables of earlier steps. */
export interface StepContext {
  target: TargetConfig;
  targetName: string;
  operator: string;
  deploymentId: string;
  /** When the deployment started (ms since the epoch). */
  startedAt: number;
  /** The git tag being deployed. */
  version: string;
  /** Facts recorded by earlier steps of this deployment (durable: read from the state store). */
  facts: Facts;
  /** Facts of the previous successful deployment of this target, for 4.2's baseline comparison. */
  previousFacts?: Facts;
  /** Secrets from the environment, passed on stdin, never on a command line. */
  secrets: { testPassword?: string };
}

export interface StepResult {
  exitCode: number;
  output: string;
  facts: Facts;
}

export interface Verdict {
  ok: boolean;
  /** One line for the operator: what was verified, or what failed and what to do. */
  summary: string;
  warnings: string[];
}

/** Work a step does on the jump host after its remote part succeeded (5.1's notification). */
export interface LocalAction {
  /** What it does on this machine, as `--plan` shows it (secrets named, never shown). */
  describes: string;
  run(ctx: StepContext, log: (line: string) => void): Promise<Record<string, string>>;
}

/** The service's state as a resume's drift check compares it. */
export type ServiceState = 'active' | 'stopped';

/** What a succeeded step leaves on the target that a resume's drift check observes. */
export interface StepEffect {
  service?: ServiceState;
  /** The commit checked out afterwards; `tagCommit` is the version tag's commit as the target has it. */
  commit?: (facts: Facts, tagCommit: string) => string | undefined;
}

/** What a Verification Checklist row is filled in from. */
export interface RowInput {
  stepId: string;
  /** The step's latest attempt; absent: not run. */
  attempt?: Pick<AttemptRecord, 'status' | 'summary'>;
  /** Every fact the deployment recorded, the latest value of each. */
  facts: Facts;
}

/** One row of the runbook's Verification Checklist, filled in (verification-rows.ts). */
export interface VerificationRow {
  /** The row as the runbook words it. */
  label: string;
  /** Its place in the checklist (1 = first): the runbook lists the rows in another order than the steps run. */
  position: number;
  /** `verified` null: not verified by this deployment (not run, skipped, not measured). */
  check(input: RowInput): { verified: boolean | null; evidence: string };
}

export interface StepDef {
  /** The runbook's section number (`1.1` … `5.3`) or `R.n` for rollback steps. */
  id: string;
  /** Phase number as a string (`1`…`5`), or `R`. */
  phase: string;
  title: string;
  /** Empty for read-only steps; those run directly, mutating ones under the remote journal. */
  mutates: Mutation[];
  /** Re-running after an interruption leaves the target as one run would. */
  rerunSafe: boolean;
  /** What verify() checks, in words, for `--plan`. */
  verifies: string;
  /** What a resume's drift check expects once this step succeeded; `{}`: nothing it observes. */
  effect: StepEffect;
  /** The step's rows of the runbook's Verification Checklist (of the deployment, or of the rollback for `R.n`). */
  verification: readonly VerificationRow[];
  /** The bash script run on the target. */
  script(ctx: StepContext): string;
  /** Standard input for the script (secrets travel here, never in the script text). */
  stdin?(ctx: StepContext): string | undefined;
  verify(result: StepResult, ctx: StepContext): Verdict;
  /** Overrides the target's step timeout, e.g. for steps that poll for readiness. */
  timeoutSeconds?(target: TargetConfig): number;
  local?: LocalAction;
}

export interface PhaseDef {
  id: string;
  title: string;
}
