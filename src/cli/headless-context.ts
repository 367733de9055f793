import { preflight, type Preflight } from '../engine/preflight.js';
import type { WorkflowContext } from '../engine/workflows/context.js';
import { CHECKLIST } from '../steps/checklist.js';
import type { Transport } from '../transport/types.js';
import { engineContext, type Session } from '../session/open.js';
import { InputError } from '../util/exit.js';

/** Preflight that refuses (exit 2) an unknown tag or any failed check: headless has no one to give a reason. */
async function checkedPreflight(
  session: Session,
  transport: Transport,
  version: string,
): Promise<Preflight> {
  const checks = await preflight(transport, session.target, version);
  if (!checks.evidence.get('tech.3')?.ok)
    throw new InputError(
      `version ${version} is not a tag of the app repository on ${session.name} or its origin`,
    );
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

/** The workflows' context for a headless run: its checks refuse rather than ask. */
export function headlessContext(
  session: Session,
  transport: Transport,
  takeOver: boolean,
): WorkflowContext {
  return {
    ...engineContext(session, transport),
    takeOver,
    check: (version) => checkedPreflight(session, transport, version),
  };
}
