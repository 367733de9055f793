import type { EngineContext } from '../../engine/context.js';
import type { Runner } from '../../engine/runner.js';
import type { FleetChecklistItem } from '../../fleet/checklist.js';
import type { FleetLook } from '../../fleet/look.js';
import type { FleetView } from '../../fleet/view.js';
import type { UnfinishedFleet } from './state.js';

/**
 * What the fleet screen asks of a rollout. The engine's fleet runner is
 * adapted to it where the TUI is opened; a screen test hands a fixture.
 * Every action resolves once it has ended (a rollout: finished or halted).
 */
export interface FleetControl {
  /** The rollout as it is now (plain data), and a way to hear that it changed. */
  view: { getSnapshot(): FleetView; subscribe(listener: () => void): () => void };
  /** A host's own connection, target and name, and its runner once it has a deployment. */
  host(name: string): { context: EngineContext; runner: Runner | undefined };
  /**
   * The fleet's one pre-deployment checklist, read now from its hosts'
   * records (each host's evidence; red if any host failed a check). The
   * rollout does not start before every item is ticked.
   */
  checklist(): FleetChecklistItem[];
  /** Ticks or unticks an item on every host, for `by`; a red item needs a reason (recorded on every host). */
  tick(itemId: string, tick: { checked: boolean; by: string; reason?: string }): void;
  /** Starts the rollout, or goes on after a retry or a skip, until it ends or halts. */
  proceed(): Promise<void>;
  /** Runs the host's failed step again, and the rollout on if it passes. */
  retry(host: string): Promise<void>;
  /** Skips the host (it will not be deployed), with the operator's reason. */
  skip(host: string, reason: string): Promise<void>;
  /** Rolls back one host, or (null) every host that changed, in reverse order. */
  rollBack(host: string | null): Promise<void>;
}

/** Why a recorded fleet is opened. */
export type FleetPurpose = 'resume' | 'rollback';

/**
 * How the fleet's start screen reaches the group (every host's connection,
 * opened by the command line): look at the hosts, start a rollout, or take
 * up the unfinished one. Each rollout it opens is shown on the fleet screen.
 */
export interface FleetEntry {
  /** The group's name and members, in order. */
  group: string;
  members: string[];
  /** The group's unfinished fleet, read from the state now. */
  unfinished(): UnfinishedFleet | undefined;
  /** What every host runs, and the tags on every host. */
  look(): Promise<FleetLook>;
  /** Checks the version on every host (refusing it names each host that refused), then records the fleet. */
  deploy(version: string): Promise<FleetControl>;
  /**
   * A recorded fleet's rollout, to resume (its first `proceed` settles each
   * host first; every host begun while its checklist is unticked) or to roll back.
   */
  open(fleetId: string, purpose: FleetPurpose): Promise<FleetControl>;
  /** Abandons the fleet: every host's unfinished deployment, with the reason, its lock released. */
  abandon(fleetId: string, reason: string): Promise<void>;
}
