import { serviceDown, type TargetState } from '../../engine/target-state.js';
import type { DeploymentRecord } from '../../state/types.js';
import type { TuiCore } from '../app/core.js';
import { clock } from '../components/format.js';
import { downtime } from '../components/strip-text.js';

/** The target's state when the service of the deployment on screen is down now (from the store), else undefined. */
export function downNow(core: TuiCore, id?: string): TargetState | undefined {
  const target = core.targetState(id);
  return target && serviceDown(target) ? target : undefined;
}

/** `q` or Ctrl-C with production down (`target`): asks first (start it, roll back, or quit anyway). */
export function askLeavingDown(
  core: TuiCore,
  via: 'quit' | 'interrupt',
  target: TargetState,
): void {
  core.dispatch({ type: 'overlay', overlay: { kind: 'down', via, target } });
}

/** `2.2 … 3.1`: the steps starting the service runs. */
export const stepRange = (ids: readonly string[]): string =>
  ids.length > 1 ? `${ids[0]} … ${ids.at(-1)}` : (ids[0] ?? '');

/**
 * What the exit message adds when the operator leaves production down: since
 * when and by which step, and the command that rolls back (resume, the
 * other way on, runs the steps through the one that starts it).
 */
export function downNote(
  core: TuiCore,
  d: DeploymentRecord,
): { state: string; rollback: string } | undefined {
  const target = downNow(core, d.id);
  if (!target) return undefined;
  const name = core.deps.target.serviceName;
  const since = target.downSince!;
  const start = target.startRuns
    ? `resume runs ${stepRange(target.startRuns)}, which starts it`
    : `${target.next?.id ?? 'a step'} failed: resume, then retry or skip it before ${target.startStep ?? 'the start'} starts it`;
  return {
    state: `${name} is DOWN (${downtime(Date.now() - since)}, since ${clock(since)}, stopped by ${target.stoppedBy}): ${start}.`,
    rollback: `Or roll back with: ${core.resumeCommand(d.id, 'rollback')}`,
  };
}
