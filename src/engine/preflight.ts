import type { TargetConfig } from '../config/types.js';
import { checklistScript, evaluateChecklist, type Evidence } from '../steps/checklist.js';
import { alongside, targetShell, type TargetShell } from '../steps/shell.js';
import type { Transport } from '../transport/types.js';
import { InputError } from '../util/exit.js';
import { execWithFacts } from './execute.js';

export interface Preflight {
  /** The tag running on the target, or its short commit when HEAD is not a tag. */
  runningVersion: string;
  runningCommit: string;
  /** The target's release tags, newest first (for picking a version to deploy). */
  tags: string[];
  /** Evidence for the checklist items the tool verifies (tech.1, tech.3, tech.4, tech.5). */
  evidence: Map<string, Evidence>;
}

/** Script lines printing the facts `runningCommit` and `runningVersion` (a tag, else a short commit). */
export const runningFacts = (t: TargetShell): string[] => [
  `fact runningCommit "$(${t.inApp('git rev-parse HEAD')} 2>/dev/null)"`,
  `fact runningVersion "$(${t.inApp('git describe --tags --exact-match HEAD 2>/dev/null || git rev-parse --short HEAD')} 2>/dev/null)"`,
];

/** Read-only look at the target before a deployment: what runs there, and the checklist's evidence. */
export async function preflight(
  transport: Transport,
  target: TargetConfig,
  version: string,
): Promise<Preflight> {
  const t = targetShell(target);
  // The checklist's script ends by waiting for its looks side by side, these among them.
  const script = checklistScript(
    target,
    version,
    alongside(
      ...runningFacts(t),
      `fact tags "$(${t.inApp('git tag --sort=-version:refname')} 2>/dev/null | head -n 50 | tr '\\n' ' ')"`,
    ),
  );
  const result = await execWithFacts(transport, script, { timeoutMs: 60_000 });
  if (result.outcome.kind !== 'exited')
    throw new Error(
      `could not read the target's state (${result.outcome.kind === 'lost' ? result.outcome.reason : 'timed out'})`,
    );
  const { facts } = result;
  return {
    runningVersion: facts.runningVersion || 'unknown',
    runningCommit: facts.runningCommit ?? '',
    tags: (facts.tags ?? '').split(' ').filter(Boolean),
    evidence: evaluateChecklist(facts, target),
  };
}

/** The checks, unless `version` is not a tag of `targetName`'s app repository or its origin: then refused (exit 2). */
export function requireTag(checks: Preflight, version: string, targetName: string): Preflight {
  if (!checks.evidence.get('tech.3')?.ok)
    throw new InputError(
      `version ${version} is not a tag of the app repository on ${targetName} or its origin`,
    );
  return checks;
}
