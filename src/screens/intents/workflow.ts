import { preflight } from '../../engine/preflight.js';
import type { WorkflowContext } from '../../engine/workflows/context.js';
import type { TuiCore } from '../app/core.js';

/**
 * The engine's workflows as the TUI runs them: the checks reuse the evidence
 * on hand when it is for the same version, and only an unknown tag refuses
 * (a failed check is the operator's call, with a reason, on the checklist).
 * A lock held by another deployment throws with the holder named, which
 * `work` shows as a notice.
 */
export function workflowContext(core: TuiCore): WorkflowContext {
  const { deps } = core;
  return {
    ...deps,
    takeOver: deps.takeOverLock,
    check: async (version) => {
      const cached = core.preflight?.version === version ? core.preflight.result : undefined;
      const checks = cached ?? (await preflight(deps.transport, deps.target, version));
      core.preflight = { version, result: checks };
      if (!checks.evidence.get('tech.3')?.ok)
        throw new Error(`${version} is not a tag of the app repository on ${deps.targetName}`);
      return checks;
    },
  };
}
