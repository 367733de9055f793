import type { StateStore } from './store.js';
import type { DeploymentStatus, Mode } from './types.js';

/** A fleet rollout as recorded: the group, its settings, and where it stands. */
export interface FleetRecord {
  id: string;
  /** The group's name (config key, or `inventory:<group>`). */
  name: string;
  operator: string;
  jumpHost: string;
  versionTo: string;
  canary: number;
  batchSize: number;
  maxFailures: number;
  /** `rollback` once the operator rolled the whole fleet back; resume then continues the rollback. */
  mode: Mode;
  status: DeploymentStatus;
  startedAt: number;
  finishedAt: number | null;
  /** Why new hosts stopped starting; null while the rollout may go on. */
  halt: { host: string; stepId: string | null; reason: string; at: number } | null;
}

/** One member of a fleet: its place in the plan and its own deployment once begun. */
export interface FleetHostRecord {
  host: string;
  /** Order in the group, from 0. */
  position: number;
  /** 0: a canary host; then the batch number from 1. */
  batch: number;
  deploymentId: string | null;
  /** Set when the operator skipped the host. */
  skipReason: string | null;
}

export type NewFleet = Omit<FleetRecord, 'mode' | 'status' | 'finishedAt' | 'halt'> & {
  hosts: Omit<FleetHostRecord, 'deploymentId' | 'skipReason'>[];
};

interface FleetRow {
  id: string;
  name: string;
  operator: string;
  jump_host: string;
  version_to: string;
  canary: number;
  batch_size: number;
  max_failures: number;
  mode: Mode;
  status: DeploymentStatus;
  started_at: number;
  finished_at: number | null;
  halt_host: string | null;
  halt_step: string | null;
  halt_reason: string | null;
  halt_at: number | null;
}

const toFleet = (r: FleetRow): FleetRecord => ({
  id: r.id,
  name: r.name,
  operator: r.operator,
  jumpHost: r.jump_host,
  versionTo: r.version_to,
  canary: r.canary,
  batchSize: r.batch_size,
  maxFailures: r.max_failures,
  mode: r.mode,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  halt:
    r.halt_host === null
      ? null
      : { host: r.halt_host, stepId: r.halt_step, reason: r.halt_reason ?? '', at: r.halt_at ?? 0 },
});

const UNFINISHED_SQL = "status IN ('in_progress', 'failed')";

/**
 * The fleets beside the deployments in the state database (schema entry 3).
 * Each host's own record stays a plain deployment; a fleet only links them.
 * Every write is one statement or one transaction, on disk when it returns.
 */
export class FleetStore {
  constructor(private readonly store: StateStore) {}

  private get db() {
    return this.store.db;
  }

  create(f: NewFleet): FleetRecord {
    this.store.checkFile();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO fleets (id, name, operator, jump_host, version_to, canary, batch_size, max_failures, status, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?)`,
        )
        .run(
          f.id,
          f.name,
          f.operator,
          f.jumpHost,
          f.versionTo,
          f.canary,
          f.batchSize,
          f.maxFailures,
          f.startedAt,
        );
      const host = this.db.prepare(
        'INSERT INTO fleet_hosts (fleet_id, host, position, batch) VALUES (?, ?, ?, ?)',
      );
      for (const h of f.hosts) host.run(f.id, h.host, h.position, h.batch);
    })();
    return this.fleet(f.id)!;
  }

  fleet(id: string): FleetRecord | undefined {
    const row = this.db.prepare('SELECT * FROM fleets WHERE id = ?').get(id) as
      FleetRow | undefined;
    return row && toFleet(row);
  }

  /** The newest fleet of the group `name` (unfinished only, when asked). */
  latest(name: string, unfinished = false): FleetRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM fleets WHERE name = ? ${unfinished ? `AND ${UNFINISHED_SQL}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT 1`,
      )
      .get(name) as FleetRow | undefined;
    return row && toFleet(row);
  }

  fleets(limit = 50): FleetRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM fleets ORDER BY started_at DESC, rowid DESC LIMIT ?')
        .all(limit) as FleetRow[]
    ).map(toFleet);
  }

  hosts(fleetId: string): FleetHostRecord[] {
    return (
      this.db
        .prepare(
          'SELECT host, position, batch, host_deployment_id, skip_reason FROM fleet_hosts WHERE fleet_id = ? ORDER BY position',
        )
        .all(fleetId) as {
        host: string;
        position: number;
        batch: number;
        host_deployment_id: string | null;
        skip_reason: string | null;
      }[]
    ).map((r) => ({
      host: r.host,
      position: r.position,
      batch: r.batch,
      deploymentId: r.host_deployment_id,
      skipReason: r.skip_reason,
    }));
  }

  /** The fleet a host deployment belongs to, if any. */
  fleetOfDeployment(deploymentId: string): FleetRecord | undefined {
    const row = this.db
      .prepare('SELECT fleet_id FROM fleet_hosts WHERE host_deployment_id = ?')
      .get(deploymentId) as { fleet_id: string } | undefined;
    return row && this.fleet(row.fleet_id);
  }

  /** Records the host's deployment id before the deployment is begun, so a crash in between leaves it findable. */
  linkHost(fleetId: string, host: string, deploymentId: string): void {
    this.store.checkFile();
    this.db
      .prepare('UPDATE fleet_hosts SET host_deployment_id = ? WHERE fleet_id = ? AND host = ?')
      .run(deploymentId, fleetId, host);
  }

  skipHost(fleetId: string, host: string, reason: string): void {
    this.store.checkFile();
    this.db
      .prepare('UPDATE fleet_hosts SET skip_reason = ? WHERE fleet_id = ? AND host = ?')
      .run(reason, fleetId, host);
  }

  setStatus(id: string, status: DeploymentStatus): void {
    this.store.checkFile();
    const finished = status === 'in_progress' || status === 'failed' ? null : Date.now();
    this.db
      .prepare('UPDATE fleets SET status = ?, finished_at = ? WHERE id = ?')
      .run(status, finished, id);
  }

  setMode(id: string, mode: Mode): void {
    this.store.checkFile();
    this.db.prepare('UPDATE fleets SET mode = ? WHERE id = ?').run(mode, id);
  }

  /** Records why the rollout halted, or (null) that the operator lets it go on. */
  setHalt(id: string, halt: FleetRecord['halt']): void {
    this.store.checkFile();
    this.db
      .prepare(
        'UPDATE fleets SET halt_host = ?, halt_step = ?, halt_reason = ?, halt_at = ? WHERE id = ?',
      )
      .run(halt?.host ?? null, halt?.stepId ?? null, halt?.reason ?? null, halt?.at ?? null, id);
  }
}
