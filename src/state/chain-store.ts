import type Database from 'better-sqlite3';
import { eventHash, GENESIS, type ChainHead, type ChainLink } from './chain.js';

export interface NewEvent {
  deploymentId: string;
  at: number;
  type: string;
  actor: string;
  detail: string | null;
  /** The digest of the step attempt this event ended (chain.ts runDigest), if any. */
  digest: string | null;
}

export function chainHead(db: Database.Database, deploymentId: string): ChainHead | undefined {
  return db
    .prepare('SELECT seq, hash FROM chain_heads WHERE deployment_id = ?')
    .get(deploymentId) as ChainHead | undefined;
}

/** Appends one event to its deployment's chain and moves the head, in one transaction. */
export function appendEvent(db: Database.Database, e: NewEvent): void {
  db.transaction(() => {
    const head = chainHead(db, e.deploymentId);
    const prev = head?.hash ?? GENESIS;
    const seq = (head?.seq ?? 0) + 1;
    const hash = eventHash(e.deploymentId, { ...e, seq }, prev);
    db.prepare(
      `INSERT INTO events (deployment_id, at, type, actor, detail, seq, digest, prev, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(e.deploymentId, e.at, e.type, e.actor, e.detail, seq, e.digest, prev, hash);
    db.prepare(
      `INSERT INTO chain_heads (deployment_id, seq, hash) VALUES (?, ?, ?)
       ON CONFLICT (deployment_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    ).run(e.deploymentId, seq, hash);
  })();
}

/** A deployment's stored chain in order (events written before the chain existed come first, unhashed). */
export function storedChain(db: Database.Database, deploymentId: string): ChainLink[] {
  return db
    .prepare(
      `SELECT seq, at, type, actor, detail, digest, prev, hash FROM events
       WHERE deployment_id = ? ORDER BY seq IS NOT NULL, seq, id`,
    )
    .all(deploymentId) as ChainLink[];
}
