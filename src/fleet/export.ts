import { buildExecutionLog, type ExecutionLog } from '../export/build.js';
import { cell, toMarkdown } from '../export/markdown.js';
import { FleetStore } from '../state/fleet-store.js';
import type { StateStore } from '../state/store.js';
import type { DeploymentStatus } from '../state/types.js';
import { fleetView } from './build-view.js';
import type { FleetHalt, FleetHostStatus, FleetPlan } from './view.js';

/** A fleet's execution log (DESIGN: Export): the fleet's summary, then each host's own export. */
export interface FleetExecutionLog {
  id: string;
  kind: 'fleet';
  group: string;
  operator: string;
  versionTo: string;
  status: DeploymentStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  plan: FleetPlan;
  halted: (Omit<FleetHalt, 'at'> & { at: string }) | null;
  /** Each member's place and outcome in the rollout, in group order. */
  members: {
    host: string;
    batch: 'canary' | number;
    status: FleetHostStatus;
    deploymentId: string | null;
    note: string | null;
  }[];
  /** Each begun host's deployment, shaped like one deployment's export. */
  hosts: ExecutionLog[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `maxRegressionPercent(host)`: each host's own threshold, so its export flags what its 4.2 flagged. */
export function buildFleetLog(
  store: StateStore,
  fleetId: string,
  maxRegressionPercent: (host: string) => number | undefined = () => undefined,
): FleetExecutionLog {
  const view = fleetView(store, fleetId);
  const fleet = new FleetStore(store).fleet(fleetId)!;
  return {
    id: view.id,
    kind: 'fleet',
    group: view.group,
    operator: fleet.operator,
    versionTo: view.versionTo,
    status: view.status,
    startedAt: iso(fleet.startedAt)!,
    finishedAt: iso(fleet.finishedAt),
    durationMs: fleet.finishedAt === null ? null : fleet.finishedAt - fleet.startedAt,
    plan: view.plan,
    halted: view.halted && { ...view.halted, at: iso(view.halted.at)! },
    members: view.hosts.map((h) => ({
      host: h.host,
      batch: h.batch,
      status: h.status,
      deploymentId: h.deploymentId,
      note: h.note,
    })),
    hosts: view.hosts.flatMap((h) =>
      h.deploymentId
        ? [buildExecutionLog(store, h.deploymentId, maxRegressionPercent(h.host))]
        : [],
    ),
  };
}

/** The fleet's summary and host table, then each host's execution log in full. */
export function fleetMarkdown(log: FleetExecutionLog): string {
  const plan = [
    `canary ${log.plan.canary.join(', ') || '(none)'}`,
    ...log.plan.batches.map((b, i) => `batch ${i + 1}: ${b.join(', ')}`),
  ].join('; ');
  const lines = [
    `# CVD Fleet Deployment — Execution Log (${cell(log.id)})`,
    '',
    `- Date: ${log.startedAt}`,
    `- Operator: ${cell(log.operator)}`,
    `- Version Deployed: ${cell(log.versionTo)} on the fleet ${cell(log.group)} (${log.members.length} hosts)`,
    `- Duration: ${log.durationMs === null ? 'unfinished' : `${Math.round(log.durationMs / 60000)} min`}`,
    `- Plan: ${cell(plan)}; halts when more than ${log.plan.maxFailures} host(s) fail, or a canary does`,
    `- Status: ${log.status}`,
    `- Halted: ${log.halted ? cell(`${log.halted.host} ${log.halted.stepId ?? ''} at ${log.halted.at}: ${log.halted.reason}`) : 'no'}`,
    '',
    '| Host | Batch | Status | Deployment | Note |',
    '| --- | --- | --- | --- | --- |',
    ...log.members.map(
      (m) =>
        `| ${cell(m.host)} | ${m.batch} | ${m.status} | ${m.deploymentId ?? '-'} | ${cell(m.note ?? '')} |`,
    ),
    '',
  ];
  return [lines.join('\n'), ...log.hosts.map((h) => toMarkdown(h))].join('\n\n');
}
