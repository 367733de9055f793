import { SUDO_REFUSED } from './shell.js';
import type { StepResult, Verdict } from './types.js';

/** One expectation on a step's result; returns the failure message, or undefined when met. */
export type Check = (result: StepResult) => string | undefined;

/**
 * The step's summary when sudo refused one of its commands (see `sudo_run`),
 * naming the permission that is missing. Only our own sudo commands' stderr
 * produces the line, so at worst the app's text fails a step, never passes one.
 */
export function sudoRefusal(output: string): string | undefined {
  const line = output.split('\n').find((l) => l.startsWith(SUDO_REFUSED));
  return (
    line &&
    `sudo refused ${line.slice(SUDO_REFUSED.length)} — allow it for the operator (cvd-tui sudoers prints the lines to add)`
  );
}

/**
 * The step passes when it exited 0, sudo refused nothing and every check
 * holds. A failed step's summary is, in this order: sudo's refusal, the
 * script's own `fail` message, the first failing check, the exit status.
 */
export function verdict(
  result: StepResult,
  success: string,
  checks: Check[],
  warnings: string[] = [],
): Verdict {
  const refused = sudoRefusal(result.output);
  if (refused) return { ok: false, summary: refused, warnings };
  if (result.exitCode !== 0) {
    const failed = result.facts.failure || checks.map((check) => check(result)).find(Boolean);
    return {
      ok: false,
      summary: failed || `the command exited with status ${result.exitCode}`,
      warnings,
    };
  }
  for (const check of checks) {
    const failure = check(result);
    if (failure) return { ok: false, summary: failure, warnings };
  }
  return { ok: true, summary: success, warnings };
}

/** The fact must equal one of the expected values. */
export const factIs =
  (key: string, expected: string | string[], what: string): Check =>
  ({ facts }) => {
    const allowed = Array.isArray(expected) ? expected : [expected];
    const actual = facts[key];
    return actual !== undefined && allowed.includes(actual)
      ? undefined
      : `${what}: expected ${allowed.join(' or ')}, got ${actual === undefined || actual === '' ? 'nothing' : actual}`;
  };

/** The fact must have been recorded at all. */
export const present =
  (key: string, what: string): Check =>
  ({ facts }) =>
    facts[key] ? undefined : what;

/** An HTTP status fact must be 200. */
export const answers200 = (key: string, url: string): Check =>
  factIs(key, '200', `${url} did not answer 200`);

/** A numeric fact must stay below a threshold. */
export const below =
  (key: string, limit: number, what: string): Check =>
  ({ facts }) => {
    // Number('') is 0: an empty fact (the measurement printed nothing) must not pass as zero.
    const text = facts[key]?.trim();
    const value = text ? Number(text) : NaN;
    if (!Number.isFinite(value)) return `${what}: no measurement`;
    return value < limit ? undefined : `${what} is ${value}, the runbook's limit is < ${limit}`;
  };

export const SHA = /^[0-9a-f]{40}$/;

/** The `status` field of a /health/detailed JSON body; undefined when the body is not such JSON. */
export function healthStatus(body: string | undefined): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    const status = (parsed as { status?: unknown } | null)?.status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}
