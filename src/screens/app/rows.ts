import type { Runner } from '../../engine/runner.js';
import type { StepRow } from './state.js';

/** The step list as the store has it: the latest attempt of each step, and how long finished ones took. */
export function stepRows(runner: Runner): StepRow[] {
  const latest = runner.latestAttempts();
  return runner.steps().map((step) => {
    const a = latest.get(step.id);
    return {
      id: step.id,
      phase: step.phase,
      title: step.title,
      status: a?.status ?? 'pending',
      startedAt: a?.startedAt,
      durationMs:
        a && a.finishedAt !== null && a.status !== 'skipped'
          ? a.finishedAt - a.startedAt
          : undefined,
      summary: a?.summary ?? undefined,
      attempts: a?.attempt ?? 0,
    };
  });
}
