/**
 * Versioned schema. Each entry migrates from the previous version
 * (PRAGMA user_version); never edit a shipped entry, append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    operator TEXT NOT NULL,
    jump_host TEXT NOT NULL,
    version_from TEXT,
    version_to TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT 'deploy' CHECK (mode IN ('deploy', 'rollback')),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'succeeded', 'failed', 'rolled_back', 'abandoned')),
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    resolution TEXT
  );
  CREATE INDEX deployments_by_target ON deployments (target, started_at);
  CREATE TABLE checklist (
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    item_id TEXT NOT NULL,
    checked INTEGER NOT NULL,
    by TEXT,
    at INTEGER,
    evidence TEXT,
    evidence_ok INTEGER,
    reason TEXT,
    PRIMARY KEY (deployment_id, item_id)
  );
  CREATE TABLE attempts (
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    step_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    exit_code INTEGER,
    command TEXT,
    summary TEXT,
    reason TEXT,
    by TEXT,
    outcome_unknown INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deployment_id, step_id, attempt)
  );
  CREATE TABLE output (
    deployment_id TEXT NOT NULL,
    step_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (deployment_id, step_id, attempt, seq)
  );
  CREATE TABLE facts (
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    step_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (deployment_id, key)
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT
  );
  CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    text TEXT NOT NULL
  );
  `,
  // The record's hash chain (chain.ts): each event linked to the one before it; the head apart, so a deleted last event shows.
  `
  ALTER TABLE events ADD COLUMN seq INTEGER;
  ALTER TABLE events ADD COLUMN digest TEXT;
  ALTER TABLE events ADD COLUMN prev TEXT;
  ALTER TABLE events ADD COLUMN hash TEXT;
  CREATE UNIQUE INDEX events_chain ON events (deployment_id, seq);
  CREATE TABLE chain_heads (
    deployment_id TEXT PRIMARY KEY REFERENCES deployments (id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
  );
  `,
  // Fleets (src/fleet): one rollout across several targets, linking each host's own deployment.
  `
  CREATE TABLE fleets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    operator TEXT NOT NULL,
    jump_host TEXT NOT NULL,
    version_to TEXT NOT NULL,
    canary INTEGER NOT NULL,
    batch_size INTEGER NOT NULL,
    max_failures INTEGER NOT NULL,
    mode TEXT NOT NULL DEFAULT 'deploy' CHECK (mode IN ('deploy', 'rollback')),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'succeeded', 'failed', 'rolled_back', 'abandoned')),
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    halt_host TEXT,
    halt_step TEXT,
    halt_reason TEXT,
    halt_at INTEGER
  );
  CREATE INDEX fleets_by_name ON fleets (name, started_at);
  CREATE TABLE fleet_hosts (
    fleet_id TEXT NOT NULL REFERENCES fleets (id),
    host TEXT NOT NULL,
    position INTEGER NOT NULL,
    batch INTEGER NOT NULL,
    -- Not deployment_id: forgetting a refused host deployment must not delete its place in the fleet.
    host_deployment_id TEXT,
    skip_reason TEXT,
    PRIMARY KEY (fleet_id, host)
  );
  CREATE UNIQUE INDEX fleet_hosts_by_deployment ON fleet_hosts (host_deployment_id);
  `,
];
