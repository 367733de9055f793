import { CHECKLIST } from '../steps/checklist.js';
import { POST_ITEMS, postTickRecords } from '../steps/post-checklist.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import type { StateStore } from '../state/store.js';
import type {
  AttemptRecord,
  DeploymentStatus,
  EventRecord,
  Mode,
  StepStatus,
} from '../state/types.js';
import { RUNBOOK_DEFAULTS } from '../config/defaults.js';
import { baselineOf, compareBaselines, type BaselineDelta } from '../steps/baseline.js';
import { stepRuns, type RunLog } from './runs.js';
import { issueText } from './issues.js';
import { deploymentOutcome, type Outcome } from './outcome.js';
import { verificationOf, type VerificationItem } from './verification.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An item of a checklist as exported: ticked or not, by whom and when. */
const ticked = (
  item: { id: string; label: string },
  tick: { checked: boolean; by: string | null; at: number | null } | undefined,
) => ({
  id: item.id,
  label: item.label,
  checked: tick?.checked ?? false,
  by: tick?.by ?? null,
  at: iso(tick?.at ?? null),
});

/** The export contract (DESIGN: Export). Everything in it was masked before it was stored. */
export interface ExecutionLog {
  id: string;
  target: string;
  operator: string;
  versionFrom: string | null;
  versionTo: string;
  status: DeploymentStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  checklist: {
    id: string;
    label: string;
    checked: boolean;
    by: string | null;
    at: string | null;
    evidence: string | null;
  }[];
  steps: {
    id: string;
    phase: string;
    title: string;
    status: StepStatus;
    /** Attempts that ran (a skip is not one). */
    attempts: number;
    startedAt: string | null;
    finishedAt: string | null;
    /** exitCode, output and command: of the last attempt that ran, so a skip after failures keeps them. */
    exitCode: number | null;
    output: string;
    command: string | null;
    summary: string | null;
    reason: string | null;
    runs: RunLog[];
  }[];
  /** The operator's notes, then every failed attempt and skip, as the record shows them. */
  issues: { at: string; by: string; text: string }[];
  resolution: string | null;
  /** The runbook's Documentation Updates and Communication items, as ticked on the summary screen. */
  postDeployment: {
    id: string;
    label: string;
    checked: boolean;
    by: string | null;
    at: string | null;
  }[];
  /** How it ended, in the words the TUI and the headless run use; `serving`: what R.7 verified after a rollback. */
  outcome: Outcome;
  /** After a rollback (mode rollback), what the rollback verified: the deployed version no longer runs. */
  verification: { of: Mode; status: string; items: VerificationItem[] };
  /** 4.2's measurements against the previous successful deployment of the target. */
  baseline: { previousDeploymentId: string | null; deltas: BaselineDelta[] } | null;
  /** 4.1's log window and `cvd-tui monitor`'s results, as recorded. */
  monitoring: {
    logWindowErrors: number | null;
    status: string | null;
    summary: string | null;
    breaches: string | null;
  };
  events: (Omit<EventRecord, 'at'> & { at: string })[];
  /** The state database's hash chain for this deployment as exported: `cvd-tui verify` recomputes it. */
  chain: { length: number; head: string } | null;
}

/** `maxRegressionPercent`: the target's threshold, so the export flags what 4.2 flagged. */
export function buildExecutionLog(
  store: StateStore,
  id: string,
  maxRegressionPercent = RUNBOOK_DEFAULTS.thresholds.maxRegressionPercent,
): ExecutionLog {
  const d = store.deployment(id);
  if (!d) throw new Error(`no deployment ${id}`);
  const attempts = store.attempts(id);
  const latest = new Map(attempts.map((a) => [a.stepId, a]));
  const ticks = new Map(store.checklist(id).map((c) => [c.itemId, c]));
  const ran = attempts.some((a) => a.stepId.startsWith('R.'));
  const steps: ExecutionLog['steps'] = [
    ...DEPLOY_STEPS,
    ...(ran || d.mode === 'rollback' ? ROLLBACK_STEPS : []),
  ].map((step) => {
    const last = latest.get(step.id);
    const runs = stepRuns(
      store,
      id,
      attempts.filter((a) => a.stepId === step.id),
    );
    const lastRan = runs.findLast((r) => r.status !== 'skipped');
    return {
      id: step.id,
      phase: step.phase,
      title: step.title,
      status: last?.status ?? 'pending',
      attempts: runs.filter((r) => r.status !== 'skipped').length,
      startedAt: iso(last?.startedAt ?? null),
      finishedAt: iso(last?.finishedAt ?? null),
      exitCode: lastRan?.exitCode ?? null,
      output: lastRan?.output ?? '',
      command: lastRan?.command ?? null,
      summary: last?.summary ?? null,
      reason: last?.reason ?? null,
      runs,
    };
  });
  const facts = store.facts(id);
  const previous = store.previousSucceeded(d.target, d.startedAt);
  const current = baselineOf(facts);
  const before = previous && baselineOf(store.facts(previous.id));
  const end = d.finishedAt ?? null;
  const events = store.events(id);
  const postTicks = postTickRecords(events);
  return {
    id: d.id,
    target: d.target,
    operator: d.operator,
    versionFrom: d.versionFrom,
    versionTo: d.versionTo,
    status: d.status,
    startedAt: iso(d.startedAt)!,
    finishedAt: iso(end),
    durationMs: end === null ? null : end - d.startedAt,
    checklist: CHECKLIST.map((item) => {
      const tick = ticks.get(item.id);
      return {
        ...ticked(item, tick),
        evidence:
          [tick?.evidence, tick?.reason && `reason: ${tick.reason}`].filter(Boolean).join('; ') ||
          null,
      };
    }),
    steps,
    issues: [
      ...store.issues(id).map((i) => ({ ...i, at: iso(i.at)! })),
      ...attempts.filter((a) => a.status === 'failed' || a.status === 'skipped').map(issueOf),
    ],
    resolution: d.resolution,
    postDeployment: POST_ITEMS.map((item) => ticked(item, postTicks.get(item.id))),
    verification: verificationOf(d.mode, facts, latest, d.status),
    outcome: deploymentOutcome(d, facts, latest),
    baseline: current
      ? {
          previousDeploymentId: previous?.id ?? null,
          deltas: before ? compareBaselines(current, before, maxRegressionPercent) : [],
        }
      : null,
    monitoring: {
      logWindowErrors: facts.windowErrors === undefined ? null : Number(facts.windowErrors),
      status: facts.monitorStatus ?? null,
      summary: facts.monitorSummary ?? null,
      breaches: facts.monitorBreaches ?? null,
    },
    events: events.map((e) => ({ ...e, at: iso(e.at)! })),
    chain: chainOf(store, id),
  };
}

/** A failed attempt or a skip, as the Issues Encountered it was. */
function issueOf(a: AttemptRecord): ExecutionLog['issues'][number] {
  return { at: iso(a.finishedAt ?? a.startedAt)!, by: a.by ?? 'cvd-tui', text: issueText(a) };
}

function chainOf(store: StateStore, id: string): ExecutionLog['chain'] {
  const head = store.chainHead(id);
  return head ? { length: head.seq, head: head.hash } : null;
}
