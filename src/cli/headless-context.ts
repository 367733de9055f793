import { preflight, requireTag, type Preflight } from '../engine/preflight.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import { CHECKLIST } from '../steps/checklist.js';
import type { Transport } from '../transport/types.js';
import { engineContext, type Session } from '../session/open.js';
import { InputError } from '../util/exit.js';

/**
 * Which failed checks refuse the version (exit 2): `any` for headless, which
 * has no one to give a reason; `tag` (an unknown tag only) where an operator
 * ticks a red item with a reason on a checklist screen (the fleet's TUI).
 */
export type Refusal = 'any' | 'tag';

/** Preflight that refuses (exit 2) an unknown tag, and with `any` any failed check. */
async function checkedPreflight(
  session: Session,
  transport: Transport,
  version: string,
  refuse: Refusal,
): Promise<Preflight> {
  const checks = requireTag(
    await preflight(transport, session.target, version),
    version,
    session.name,
  );
  if (refuse === 'tag') return checks;
  const failed = [...checks.evidence].filter(([, e]) => !e.ok);
  if (failed.length)
    throw new InputError(
      `pre-deployment checks failed; fix them or deploy from the TUI, which records a reason:\n` +
        failed
          .map(([id, e]) => `  ${id} ${CHECKLIST.find((i) => i.id === id)?.label}: ${e.text}`)
          .join('\n'),
    );
  return checks;
}

/** The workflows' context for a run from the command line: its checks refuse rather than ask. */
export function headlessContext(
  session: Session,
  transport: Transport,
  takeOver: boolean,
  refuse: Refusal = 'any',
): WorkflowContext {
  return {
    ...engineContext(session, transport),
    takeOver,
    check: (version) => checkedPreflight(session, transport, version, refuse),
  };
}
