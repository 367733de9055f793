import type { TargetConfig } from '../config/types.js';
import type { Facts } from '../steps/types.js';

/** One row of the doctor's table. */
export interface CheckResult {
  /** Short name, e.g. `path backups` or `service cvd`. */
  name: string;
  ok: boolean;
  /** What was found: the evidence, or what is wrong. */
  detail: string;
  /** For a failure: what to do about it; for a pass: advice, when there is any. */
  hint?: string;
}

export type Outcome = Omit<CheckResult, 'name'>;

/**
 * A read-only check run on the target: one script printing `CVD-FACT` lines,
 * judged into one or more rows. Scripts only read (test, command -v, curl,
 * df, is-active): doctor changes nothing on the target.
 */
export interface RemoteCheck {
  script(target: TargetConfig): string;
  judge(facts: Facts, target: TargetConfig, output: string): CheckResult[];
}

export const pass = (detail: string): Outcome => ({ ok: true, detail });
export const fail = (detail: string, hint: string): Outcome => ({ ok: false, detail, hint });
